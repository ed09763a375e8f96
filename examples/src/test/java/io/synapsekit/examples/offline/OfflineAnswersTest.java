package io.synapsekit.examples.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OfflineAnswersTest {

    private static String ask(String system, String user) {
        return OfflineAnswers.answer(List.of(new OfflineAnswers.Message("system", system),
                new OfflineAnswers.Message("user", user)));
    }

    @Test
    void aRagPromptIsAnsweredFromItsContextOnly() {
        String answer = ask("Answer using only the numbered context blocks; cite them like [1].", """
                Context:

                --- [1] source: doc-1 ---
                SynapseKit supports streaming by default across all LLM providers.
                --- end of [1] ---

                --- [2] source: doc-2 ---
                The RAG pipeline retrieves context before generating an answer.
                --- end of [2] ---

                --- [3] source: doc-3 ---
                Streaming reduces time-to-first-token, improving perceived latency.
                --- end of [3] ---

                Question: What does SynapseKit support?""");
        assertThat(answer).isEqualTo("SynapseKit supports streaming by default across all LLM providers. "
                + "Streaming reduces time-to-first-token, improving perceived latency.");
    }

    @Test
    void contextWithNothingRelevantIsNotInventedFrom() {
        String answer = ask("", "Context:\nBananas are yellow.\n\nQuestion: How do rockets reach orbit?");
        assertThat(answer).isEqualTo(OfflineAnswers.NOTHING_FOUND);
    }

    @Test
    void aLongTextIsSummarised() {
        String answer = ask("", "Vector databases store embeddings. They find nearest neighbours. "
                + "They power semantic search.");
        assertThat(answer).isEqualTo("In short: Vector databases store embeddings.");
    }

    @Test
    void tokensJoinBackToTheText() {
        String text = "Retrieval-Augmented Generation (RAG) is\n\nfine, naïve 東京 émoji 😀 ok.";
        List<String> tokens = Tokens.split(text);
        assertThat(String.join("", tokens)).isEqualTo(text);
        assertThat(tokens).allSatisfy(t -> assertThat(t).isNotEmpty());
        assertThat(tokens).contains("Retrieva", "l", "-", "Augmente");
    }
}
