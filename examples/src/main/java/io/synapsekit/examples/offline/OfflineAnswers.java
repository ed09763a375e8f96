package io.synapsekit.examples.offline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the offline demo model says: deterministic, and grounded in the prompt.
 *
 * <ul>
 *   <li>A prompt that carries context (retrieved chunks, then a question) is answered with the context's sentences
 *       that share words with the question, in their original order; when none does, the model says it found
 *       nothing in the documents rather than inventing an answer.
 *   <li>A request to summarise, or a long text given as the prompt (a graph's second LLM node), gets a short
 *       summary of that text.
 *   <li>The guide's own questions (RAG, vector databases, quantum computing, SSE, WebSockets) get fixed answers;
 *       anything else gets a plain statement that this is the offline demo model.
 * </ul>
 */
final class OfflineAnswers {

    record Message(String role, String content) {}

    private static final Pattern QUESTION_LINE =
            Pattern.compile("(?im)^\\s*(?:#+\\s*)?(?:question|query|q)\\s*:\\s*(.+)$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\n+");
    private static final Pattern LEADING_TAG =
            Pattern.compile("^\\s*(?:\\[[^\\]]*\\]|<[^>]*>|\\([^)]*source[^)]*\\)|#+|-{2,}|={2,}|\\*+|\\d+[.)]|"
                    + "(?i:source|document|doc|chunk|context|passage)\\s*[^:\\s]*\\s*:)\\s*");
    // A block delimiter such as "--- [1] source: notes.md ---" or "--- end of [1] ---": a label, not content.
    private static final Pattern DELIMITER_LINE = Pattern.compile("\\s*(?:-{3,}|={3,}|<{1,2}/?\\w*>{1,2}).*");
    private static final Set<String> STOPWORDS = Set.of(
            "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "by", "with", "is", "are", "was", "were",
            "be", "it", "its", "this", "that", "these", "those", "what", "which", "who", "whom", "how", "why",
            "when", "where", "does", "do", "did", "can", "could", "should", "would", "will", "about", "me", "you",
            "your", "i", "we", "our", "tell", "explain", "please", "give", "use", "using", "only", "answer",
            "question", "context", "provided", "below", "above", "following", "based", "source", "sources",
            "document", "documents", "passage", "passages", "chunk", "chunks", "if", "not", "no", "from", "as",
            "at", "so", "than", "then", "there", "their", "they", "them", "has", "have", "had", "one", "sentence",
            "sentences", "three", "two", "say", "know", "don", "t", "s");

    static final String RAG_ANSWER = "Retrieval-Augmented Generation (RAG) is a technique that combines a "
            + "retrieval system with a language model to answer questions using external knowledge. It works by "
            + "fetching relevant documents from a vector store and injecting them into the prompt context. RAG "
            + "reduces hallucinations and keeps answers grounded in real data.";
    static final String RAG_ONE_SENTENCE = "RAG (Retrieval-Augmented Generation) enhances LLM responses by first "
            + "retrieving relevant documents from a knowledge base and injecting them into the prompt.";
    static final String VECTOR_DATABASES = "A vector database stores data as embeddings, long lists of numbers "
            + "that capture meaning, and finds the stored vectors nearest to a query vector. That lets an "
            + "application search by meaning instead of by exact words. Vector databases power semantic search "
            + "and the retrieval step of RAG.";
    static final String QUANTUM = "Quantum computing uses quantum bits (qubits) that can exist in superposition, "
            + "enabling parallel computation on certain problems. Entangled qubits let some algorithms, such as "
            + "factoring and search, outpace classical computers.";
    static final String SSE = "Server-Sent Events keep one HTTP response open and push each piece of text to the "
            + "browser as a data line, which EventSource reads as it arrives.";
    static final String WEBSOCKET = "A WebSocket is one long-lived, two-way connection: the browser can send a "
            + "question and receive the answer token by token over the same socket.";
    static final String NOTHING_FOUND = "I could not find anything about that in the documents I was given.";

    private OfflineAnswers() {
    }

    static String answer(List<Message> messages) {
        String system = "";
        String lastUser = "";
        for (Message m : messages) {
            if (m.role().equals("system")) {
                system = system + "\n" + m.content();
            } else if (m.role().equals("user")) {
                lastUser = m.content();
            }
        }
        boolean concise = system.toLowerCase(Locale.ROOT).contains("concise")
                || system.toLowerCase(Locale.ROOT).contains("one sentence");

        Matcher q = QUESTION_LINE.matcher(lastUser);
        String question = null;
        int questionStart = -1;
        while (q.find()) {
            question = q.group(1).trim();
            questionStart = q.start();
        }
        if (question != null) {
            // The context is what the user message carries before its question; the system prompt holds
            // instructions, not knowledge.
            String context = lastUser.substring(0, questionStart);
            return shorten(grounded(question, context), concise);
        }
        return shorten(fromKnowledge(lastUser.trim(), system), concise);
    }

    /** Answers {@code question} from the sentences of {@code context} only. */
    private static String grounded(String question, String context) {
        Set<String> asked = contentWords(question);
        List<String> sentences = sentences(context);
        record Scored(int index, String sentence, int score) {}
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            Set<String> words = contentWords(sentences.get(i));
            words.retainAll(asked);
            scored.add(new Scored(i, sentences.get(i), words.size()));
        }
        List<Scored> chosen = new ArrayList<>(scored.stream().filter(s -> s.score() > 0)
                .sorted(Comparator.comparingInt(Scored::score).reversed().thenComparingInt(Scored::index))
                .limit(2).toList());
        if (chosen.isEmpty()) {
            return NOTHING_FOUND;
        }
        // One more sentence that continues the chosen ones (shares a content word with them), as a person
        // answering from notes would add the related point.
        Set<String> topic = new HashSet<>();
        chosen.forEach(s -> topic.addAll(contentWords(s.sentence())));
        for (Scored s : scored) {
            if (chosen.size() >= 3) {
                break;
            }
            if (chosen.stream().noneMatch(c -> c.index() == s.index())) {
                Set<String> words = contentWords(s.sentence());
                words.retainAll(topic);
                if (!words.isEmpty()) {
                    chosen.add(s);
                }
            }
        }
        chosen.sort(Comparator.comparingInt(Scored::index));
        StringBuilder out = new StringBuilder();
        Set<String> seen = new LinkedHashSet<>();
        for (Scored s : chosen) {
            if (seen.add(s.sentence())) {
                out.append(out.isEmpty() ? "" : " ").append(endWithStop(s.sentence()));
            }
        }
        return out.toString();
    }

    private static String fromKnowledge(String prompt, String system) {
        String p = prompt.toLowerCase(Locale.ROOT);
        List<String> promptSentences = sentences(prompt);
        if (p.startsWith("summar") || p.startsWith("in short") || promptSentences.size() >= 3) {
            String text = p.startsWith("summar") && prompt.contains(":")
                    ? prompt.substring(prompt.indexOf(':') + 1) : prompt;
            List<String> s = sentences(text);
            if (!s.isEmpty() && !p.contains("quantum")) {
                return "In short: " + endWithStop(s.get(0));
            }
        }
        if (p.contains("quantum")) {
            return QUANTUM;
        }
        if (p.contains("vector database") || p.contains("vector store")) {
            return VECTOR_DATABASES;
        }
        if ((word(p, "rag") || p.contains("retrieval")) && p.contains("one sentence")) {
            return RAG_ONE_SENTENCE;
        }
        if (word(p, "rag") || p.contains("retrieval-augmented") || p.contains("retrieval augmented")) {
            return RAG_ANSWER;
        }
        if (p.contains("server-sent") || word(p, "sse")) {
            return SSE;
        }
        if (p.contains("websocket")) {
            return WEBSOCKET;
        }
        if (p.matches("(hi|hello|hey)\\b.*")) {
            return "Hello! I am SynapseKit's offline demo model, streaming this greeting token by token.";
        }
        String shown = prompt.length() > 80 ? prompt.substring(0, 80) + "…" : prompt;
        return "I am SynapseKit's offline demo model, so I know only a little: retrieval-augmented generation, "
                + "vector databases, streaming, SSE and WebSockets, and whatever documents you give me through RAG. "
                + "You asked: \"" + shown.replace('\n', ' ') + "\". Set OPENAI_API_KEY to ask a real model.";
    }

    private static boolean word(String text, String word) {
        return Pattern.compile("\\b" + Pattern.quote(word) + "\\b").matcher(text).find();
    }

    private static String shorten(String answer, boolean concise) {
        if (!concise) {
            return answer;
        }
        List<String> s = sentences(answer);
        return s.isEmpty() ? answer : endWithStop(s.get(0));
    }

    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\n")) {
            if (DELIMITER_LINE.matcher(line).matches()) {
                continue;
            }
            String stripped = line;
            for (String before = null; !stripped.equals(before); ) {
                before = stripped;
                stripped = LEADING_TAG.matcher(stripped).replaceFirst("");
            }
            for (String s : SENTENCE_END.split(stripped)) {
                String t = s.trim();
                if (t.length() > 1 && !contentWords(t).isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    static Set<String> contentWords(String text) {
        Set<String> words = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.isEmpty() || STOPWORDS.contains(w)) {
                continue;
            }
            words.add(stem(w));
        }
        return words;
    }

    // Enough to match "supports" with "support" and "databases" with "database".
    private static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    private static String endWithStop(String sentence) {
        char last = sentence.charAt(sentence.length() - 1);
        return last == '.' || last == '!' || last == '?' ? sentence : sentence + ".";
    }
}
