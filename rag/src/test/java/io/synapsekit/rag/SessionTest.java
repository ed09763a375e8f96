package io.synapsekit.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.LLM;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link RAG.Session}: turns are recorded under the session, and a session cannot be mistaken for a question. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionTest {

    @TempDir
    Path classes;

    private static RAG rag(ScriptedLLM llm) {
        RAG rag = new RAG(llm);
        rag.add("SynapseKit streams tokens from every provider.");
        return rag;
    }

    @Test
    void turnsAreRecordedUnderTheSessionNotUnderTheQuestion() {
        ScriptedLLM llm = ScriptedLLM.answering("It ", "streams.");
        RAG rag = rag(llm);
        RAG.Session user = rag.session("user-42");

        try (Stream<String> tokens = user.stream("What is SynapseKit?")) {
            assertThat(tokens.collect(Collectors.joining())).isEqualTo("It streams.");
        }

        assertThat(user.id()).isEqualTo("user-42");
        assertThat(user.history()).containsExactly(ChatMessage.user("What is SynapseKit?"),
                ChatMessage.assistant("It streams."));
        assertThat(rag.session("user-42").history()).as("every handle with the id is the same conversation")
                .isEqualTo(user.history());
        assertThat(rag.session("What is SynapseKit?").history()).as("nothing recorded under the question")
                .isEmpty();
    }

    @Test
    void eventsAskAndStreamOfASessionSendItsTurnsAndForgetEndsTheConversation() {
        ScriptedLLM llm = ScriptedLLM.answering("ok");
        RAG rag = rag(llm);
        RAG.Session s = rag.session("s1");

        assertThat(s.ask("What does SynapseKit stream?")).isEqualTo("ok");
        try (Stream<RAGEvent> events = s.events("And from which providers?")) {
            assertThat(events.toList()).last().isEqualTo(new RAGEvent.Done("ok", "stop"));
        }
        List<ChatMessage> second = List.copyOf(llm.requests).get(1);
        assertThat(second).extracting(ChatMessage::content).containsSubsequence("What does SynapseKit stream?", "ok");
        assertThat(s.history()).hasSize(4);

        assertThat(rag.ask("Unrelated question without a session?")).isEqualTo("ok");
        assertThat(s.history()).as("an answer outside the session is not recorded in it").hasSize(4);

        s.forget();
        assertThat(s.history()).isEmpty();
        assertThat(s.ask("Fresh start?")).isEqualTo("ok");
        assertThat(List.copyOf(llm.requests).get(3)).as("no turns of the forgotten conversation are sent")
                .extracting(ChatMessage::content).noneMatch(c -> c.contains("What does SynapseKit stream?"));
    }

    @Test
    void aBlankSessionIdIsRefused() {
        RAG rag = rag(ScriptedLLM.answering("ok"));
        assertThatThrownBy(() -> rag.session(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("session id is blank");
        assertThatThrownBy(() -> rag.session(null)).isInstanceOf(NullPointerException.class).hasMessage("id");
        assertThat(rag.session("a")).hasToString("RAG.Session[a]");
    }

    @Test
    void aSessionIdPassedWhereTheQuestionGoesDoesNotCompile() throws Exception {
        assertThat(compile("rag.session(\"user-42\").stream(\"What is SynapseKit?\").close();"))
                .as("the harness compiles correct code").isEmpty();
        for (String call : List.of("stream", "events", "ask")) {
            assertThat(compile("rag." + call + "(\"What is SynapseKit?\", \"user-42\");"))
                    .as("rag.%s(question, sessionId)", call).isNotEmpty();
            assertThat(compile("rag." + call + "(\"user-42\", \"What is SynapseKit?\");"))
                    .as("rag.%s(sessionId, question)", call).isNotEmpty();
        }
        assertThat(compile("rag.history(\"user-42\");")).isNotEmpty();
        assertThat(compile("rag.forget(\"user-42\");")).isNotEmpty();
    }

    /** Compiles {@code statement} in a method given a {@code RAG rag}; returns the errors. */
    private List<String> compile(String statement) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler").isNotNull();
        String source = "class Use { void use(io.synapsekit.rag.RAG rag) { " + statement + " } }";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Use.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        String classpath = Stream.of(RAG.class, LLM.class)
                .map(c -> {
                    try {
                        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                    } catch (java.net.URISyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .distinct().collect(Collectors.joining(File.pathSeparator));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        javac.getTask(null, null, diagnostics, List.of("-classpath", classpath, "-d", classes.toString(),
                "-proc:none"), null, List.of(file)).call();
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(Locale.ROOT)).toList();
    }
}
