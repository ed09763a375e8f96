/** Splitting documents into the chunks that are indexed and retrieved. */
@NullMarked
package io.synapsekit.rag.split;

import org.jspecify.annotations.NullMarked;
