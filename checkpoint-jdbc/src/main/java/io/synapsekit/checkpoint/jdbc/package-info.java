/**
 * {@link io.synapsekit.checkpoint.jdbc.JdbcCheckpointer}: graph checkpoints in PostgreSQL over plain JDBC, with its
 * schema created or migrated on first use.
 */
@NullMarked
package io.synapsekit.checkpoint.jdbc;

import org.jspecify.annotations.NullMarked;
