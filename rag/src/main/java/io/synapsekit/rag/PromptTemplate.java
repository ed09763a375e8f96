package io.synapsekit.rag;

import java.util.List;

/**
 * Renders the user message of a RAG request: the retrieved chunks in numbered, delimited blocks with their
 * sources, then the question. When nothing was retrieved, the "no context" text takes the blocks' place, so the
 * model is told rather than given noise. Immutable.
 *
 * <p>The template holds {@value #CONTEXT} and {@value #QUESTION} once each. They are replaced in one pass over
 * the template, so braces inside a chunk or a question are never taken for placeholders.
 */
final class PromptTemplate {

    static final String CONTEXT = "{context}";
    static final String QUESTION = "{question}";

    static final String DEFAULT_TEMPLATE = """
            Context:

            {context}

            Question: {question}""";

    static final String DEFAULT_NO_CONTEXT = "(No relevant context was found in the indexed documents for this"
            + " question. Say that the documents do not answer it; do not guess.)";

    static final String DEFAULT_SYSTEM = "Answer the question using only the numbered context blocks in the user's"
            + " message, and cite the blocks you use like [1]. If they do not contain the answer, say so.";

    private final String template;
    private final String noContext;

    PromptTemplate(String template, String noContext) {
        if (count(template, CONTEXT) != 1 || count(template, QUESTION) != 1) {
            throw new IllegalArgumentException("promptTemplate must contain " + CONTEXT + " and " + QUESTION
                    + " once each: " + io.synapsekit.internal.HttpErrors.cut(template));
        }
        this.template = template;
        this.noContext = noContext;
    }

    String render(String question, List<RetrievedChunk> chunks) {
        String context = chunks.isEmpty() ? noContext : blocks(chunks);
        int c = template.indexOf(CONTEXT);
        int q = template.indexOf(QUESTION);
        StringBuilder out = new StringBuilder(template.length() + context.length() + question.length());
        if (c < q) {
            out.append(template, 0, c).append(context).append(template, c + CONTEXT.length(), q).append(question)
                    .append(template, q + QUESTION.length(), template.length());
        } else {
            out.append(template, 0, q).append(question).append(template, q + QUESTION.length(), c).append(context)
                    .append(template, c + CONTEXT.length(), template.length());
        }
        return out.toString();
    }

    static String blocks(List<RetrievedChunk> chunks) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            int n = i + 1;
            if (i > 0) {
                out.append("\n\n");
            }
            out.append("--- [").append(n).append("] source: ").append(chunks.get(i).source()).append(" ---\n")
                    .append(chunks.get(i).text()).append("\n--- end of [").append(n).append("] ---");
        }
        return out.toString();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }
}
