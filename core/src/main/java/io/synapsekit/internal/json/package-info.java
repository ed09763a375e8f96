/**
 * JSON for structured output and tools: the schema of a record and an incremental reader. Depends on Jackson only,
 * so that the {@code llm} package may use it; not exported.
 */
@NullMarked
package io.synapsekit.internal.json;

import org.jspecify.annotations.NullMarked;
