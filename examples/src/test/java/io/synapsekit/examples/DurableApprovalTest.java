package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's durable-run example pauses for approval, resumes with the answer, and prints what it says. */
class DurableApprovalTest {

    @Test
    void pausesForApprovalThenSendsTheApprovedDraft() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            DurableApproval.run(out);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactlyElementsOf(DurableApproval.expected());
    }
}
