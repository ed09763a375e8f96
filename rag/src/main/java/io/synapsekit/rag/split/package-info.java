/** Splitting documents into the chunks that are indexed and retrieved. */
package io.synapsekit.rag.split;
