package io.synapsekit.rag.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecursiveSplitterTest {

    @Test
    void shortTextIsOneChunkAndBlankTextIsNone() {
        assertThat(RecursiveSplitter.defaults().split("  Hello world.  ")).containsExactly("Hello world.");
        assertThat(RecursiveSplitter.defaults().split(" \n\n ")).isEmpty();
        assertThat(RecursiveSplitter.defaults().chunkSize()).isEqualTo(512);
        assertThat(RecursiveSplitter.defaults().chunkOverlap()).isEqualTo(50);
    }

    @Test
    void breaksOnParagraphsBeforeSentences() {
        String p1 = "First paragraph. " + "a".repeat(30);
        String p2 = "Second paragraph. " + "b".repeat(30);
        List<String> chunks = RecursiveSplitter.of(60, 0).split(p1 + "\n\n" + p2);
        assertThat(chunks).containsExactly(p1, p2);
    }

    @Test
    void breaksOnSentencesThenWordsAndNeverExceedsTheSize() {
        String text = IntStream.range(0, 40).mapToObj(i -> "Sentence number " + i + " says something small.")
                .collect(Collectors.joining(" "));
        List<String> chunks = RecursiveSplitter.of(100, 0).split(text);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.length()).isLessThanOrEqualTo(100);
            assertThat(c).startsWith("Sentence number").endsWith("small.");
        });
        assertThat(String.join(" ", chunks)).isEqualTo(text);

        String words = IntStream.range(0, 200).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        List<String> byWords = RecursiveSplitter.of(50, 0).split(words);
        assertThat(byWords).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(50));
        assertThat(String.join(" ", byWords)).as("no word is cut").isEqualTo(words);
    }

    @Test
    void cutsInsideAWordOnlyWhenOneWordIsLongerThanAChunk() {
        List<String> chunks = RecursiveSplitter.of(10, 0).split("x".repeat(25));
        assertThat(chunks).containsExactly("x".repeat(10), "x".repeat(10), "x".repeat(5));
    }

    @Test
    void consecutiveChunksOverlapByWholeWords() {
        String words = IntStream.range(0, 300).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        List<String> chunks = RecursiveSplitter.defaults().split(words);
        assertThat(chunks).hasSizeGreaterThan(2);
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1);
            String first = chunks.get(i).split(" ")[0];
            assertThat(previous).as("chunk %d starts with a word from the end of chunk %d", i, i - 1)
                    .endsWith(previous.substring(previous.lastIndexOf(" " + first + " ") + 1));
            int shared = previous.length() - previous.lastIndexOf(" " + first + " ") - 1;
            assertThat(shared).isBetween(1, 50);
            assertThat(chunks.get(i).length()).isLessThanOrEqualTo(512);
        }
    }

    @Test
    void keepsSurrogatePairsWhole() {
        String emoji = "\uD83D\uDE00".repeat(8); // 16 chars
        List<String> chunks = RecursiveSplitter.of(5, 0).split(emoji);
        assertThat(String.join("", chunks)).isEqualTo(emoji);
        assertThat(chunks).allSatisfy(c -> assertThat(Character.isLowSurrogate(c.charAt(0))).isFalse());
    }

    @Test
    void validatesItsSettings() {
        assertThatThrownBy(() -> RecursiveSplitter.of(0, 0)).hasMessageContaining("chunkSize must be positive: 0");
        assertThatThrownBy(() -> RecursiveSplitter.of(100, 100)).hasMessageContaining("chunkOverlap must be");
        assertThatThrownBy(() -> RecursiveSplitter.of(100, -1)).hasMessageContaining("-1");
    }
}
