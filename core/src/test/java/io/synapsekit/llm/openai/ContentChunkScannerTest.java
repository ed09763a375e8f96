package io.synapsekit.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path for plain content chunks must agree with the tree-based rules wherever it answers, and must
 * step aside (return null) for every chunk it does not fully understand, malformed JSON included.
 */
class ContentChunkScannerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PLAIN = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733,"
            + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":"
            + "{\"content\":\"Hel\\\"lo\\n\\u00e9\\ud83d\\ude80\\/\"},\"logprobs\":null,\"finish_reason\":null}]}";

    private static final List<String> SEEDS = List.of(PLAIN,
            "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":null}}],\"usage\":null}",
            "{\"choices\":[]}",
            " { \"choices\" : [ { \"delta\" : { \"content\" : \" spaced \" } , \"index\" : 0 } ] } ",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"no\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"refusal\":\"I can't\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\",\"refusal\":\"sorry\"}}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}",
            "{\"error\":{\"message\":\"boom\"}}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"index\":0.0,\"delta\":{\"content\":\"x\"}}]}",
            "{\"created\":-12.5e+3,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"num\"}}]}",
            // raw (unescaped) text beyond Latin-1, and long values: the eight-at-a-time scans and the byte view
            "{\"id\":\"chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz0123\",\"model\":\"gpt-4o-mini-2024-07-18\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\u4e2d\u6587 \ud83d\ude80 caf\u00e9 "
                    + "\u00ff\u0100 long enough to cross eight-byte words\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\u4e2d\ud83d\ude80\\n\\u4e2d\\ud83d\\ude80\u0085\"}}]}");

    /** What the tree-based decoder streams as the answer text of {@code json}, for the plain shape. */
    private static String reference(String json) throws Exception {
        JsonNode tree = JSON.readTree(json);
        JsonNode content = tree.path("choices").path(0).path("delta").path("content");
        return content.isTextual() ? content.asText() : "";
    }

    /**
     * Whether strict Jackson accepts {@code json}, reads {@code fast} as its content, and finds nothing else the
     * tree-based decoder would emit: no refusal (its own channel, never answer text), reasoning, tool calls,
     * finish reason, usage or error.
     */
    private static boolean agreesWithJackson(String json, String fast) throws Exception {
        return jacksonAccepts(json) && fast.equals(reference(json)) && onlyContent(json);
    }

    private static boolean onlyContent(String json) throws Exception {
        JsonNode tree = JSON.readTree(json);
        if (!tree.path("error").isMissingNode() || !tree.path("usage").isMissingNode() && !tree.get("usage").isNull()) {
            return false;
        }
        for (JsonNode choice : tree.path("choices")) {
            JsonNode delta = choice.path("delta");
            for (String field : List.of("refusal", "reasoning_content", "reasoning", "tool_calls")) {
                if (!delta.path(field).isMissingNode() && !delta.get(field).isNull()) {
                    return false;
                }
            }
            if (!choice.path("finish_reason").isMissingNode() && !choice.get("finish_reason").isNull()) {
                return false;
            }
        }
        return true;
    }

    private static boolean jacksonAccepts(String json) {
        try {
            // strict: trailing text after the object is refused, as the fast path refuses it
            JsonNode tree = JSON.readerFor(JsonNode.class)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(json);
            return tree != null && tree.isObject();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void decodesThePlainShapeExactlyAndStepsAsideForEverythingElse() throws Exception {
        assertThat(ContentChunkScanner.content(PLAIN)).isEqualTo("Hel\"lo\né\uD83D\uDE80/");
        assertThat(ContentChunkScanner.content(SEEDS.get(1))).isEmpty();
        assertThat(ContentChunkScanner.content(SEEDS.get(4))).isEqualTo(" spaced ");
        for (String notPlain : SEEDS.subList(5, SEEDS.size() - 3)) {
            assertThat(ContentChunkScanner.content(notPlain)).as(notPlain).isNull();
        }
        assertThat(ContentChunkScanner.content(SEEDS.get(SEEDS.size() - 3))).isEqualTo("num");
        assertThat(ContentChunkScanner.content(SEEDS.get(SEEDS.size() - 2)))
                .isEqualTo("\u4e2d\u6587 \ud83d\ude80 caf\u00e9 \u00ff\u0100 long enough to cross eight-byte words");
        assertThat(ContentChunkScanner.content(SEEDS.get(SEEDS.size() - 1)))
                .isEqualTo("\u4e2d\ud83d\ude80\n\u4e2d\ud83d\ude80\u0085");
    }

    @Test
    void agreesWithJacksonOnRandomlyMutatedChunks() throws Exception {
        Random random = new Random(20261203);
        // structure, escapes, numbers, literals, whitespace, a control char, Latin-1, CJK, a surrogate half, '?'
        String alphabet = "{}[]\",:\\0123456789.eE+-nultrfasbu \n\t\u0001\u001f\u00e9\u00ff\u4e2d\ud83d\ude80?";
        int answered = 0;
        List<String> disagreements = new ArrayList<>();
        for (int round = 0; round < 60_000; round++) {
            StringBuilder s = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && s.length() > 0; e++) {
                int at = random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String json = s.toString();
            String fast = ContentChunkScanner.content(json);
            if (fast == null) {
                continue;
            }
            answered++;
            if (!agreesWithJackson(json, fast)) {
                disagreements.add(json);
            }
        }
        assertThat(disagreements).as("chunks the fast path decoded differently from Jackson").isEmpty();
        assertThat(answered).as("mutations that kept the plain shape").isGreaterThan(1_000);
    }

    @Test
    void aStreamsTemplateAgreesWithJacksonWhateverTheContentAndTheTextAroundIt() throws Exception {
        Random random = new Random(42);
        List<String> shapes = List.of(
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":@},\"logprobs\":null,\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":@}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\",\"content\":@}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":@,\"content\":null}}]}",
                "{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":@}}],\"usage\":null,\"obfuscation\":#}",
                "{\"choices\":[{\"delta\":{\"content\":@}}],\"obfuscation\":#,\"obfuscation\":#}",
                "{\"obfuscation\":#,\"choices\":[{\"delta\":{\"content\":@}}]}",
                // a refusal where the template expects content, or beside it: never answer text
                "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":@}}],\"obfuscation\":#}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":@,\"refusal\":#}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":#,\"content\":@}}]}");
        // characters a content token may hold, valid or not: quotes and backslashes end or escape it early
        String alphabet = "ab \"\\\\nu0041\u0001\u001f\u00e9\u4e2d\ud83d\ude80/{}[],:";
        ContentChunkScanner.Template template = new ContentChunkScanner.Template();
        int answered = 0;
        List<String> disagreements = new ArrayList<>();
        for (int round = 0; round < 40_000; round++) {
            String value = stringToken(random, alphabet);
            // mostly the same shape in a row, as in a stream; now and then another, or a mutation around the content
            String shape = shapes.get(round % 50 < 45 ? (round / 50) % shapes.size() : random.nextInt(shapes.size()));
            StringBuilder json = new StringBuilder(shape.replace("@", random.nextInt(20) == 0 ? "null" : value)
                    .replace("#", stringToken(random, alphabet)));
            if (random.nextInt(10) == 0) {
                int at = random.nextInt(json.length() + 1);
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> json.insert(at, c);
                    case 1 -> json.deleteCharAt(Math.min(at, json.length() - 1));
                    default -> json.setCharAt(Math.min(at, json.length() - 1), c);
                }
            }
            String chunk = json.toString();
            String fast = template.content(chunk);
            if (fast == null) {
                continue;
            }
            answered++;
            if (!agreesWithJackson(chunk, fast)) {
                disagreements.add(chunk + " -> " + fast);
            }
        }
        assertThat(disagreements).as("chunks the template decoded differently from Jackson").isEmpty();
        assertThat(answered).as("chunks decoded on the fast path").isGreaterThan(10_000);
    }

    /** A string token of up to 7 random characters: often not valid JSON, as the alphabet holds quotes. */
    private static String stringToken(Random random, String alphabet) {
        StringBuilder value = new StringBuilder("\"");
        int length = random.nextInt(8);
        for (int k = 0; k < length; k++) {
            value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return value.append('"').toString();
    }
}
