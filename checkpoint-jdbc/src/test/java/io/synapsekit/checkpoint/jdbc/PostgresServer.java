package io.synapsekit.checkpoint.jdbc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} in a fresh directory under /tmp, then {@code pg_ctl start}
 * on a free loopback port, run as the {@code postgres} user when this JVM is root (PostgreSQL refuses root). Every
 * step is bounded in time; {@link #close()} stops it and deletes its files.
 *
 * <p>When the binaries are missing, {@link #start} throws {@link Missing}; tests skip on it unless
 * {@code SYNAPSEKIT_REQUIRE_POSTGRES=1}, when a missing server is a failure.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Duration STEP_LIMIT = Duration.ofSeconds(60);

    /** Thrown when no PostgreSQL binaries are installed. */
    public static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message);
        }
    }

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Returns whether a missing server must fail the test rather than skip it. */
    public static boolean required() {
        return "1".equals(System.getenv("SYNAPSEKIT_REQUIRE_POSTGRES"));
    }

    /**
     * Starts a server whose commits are as durable as {@code durable} says: {@code false} turns off fsync, which a
     * test that never kills the server does not need.
     */
    public static PostgresServer start(boolean durable) throws IOException, InterruptedException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "synapsekit-pg-");
        PostgresServer server = new PostgresServer(bin, dir, freePort(), root);
        try {
            if (root) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            }
            server.pg("initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8");
            String options = "-c listen_addresses=127.0.0.1 -p " + server.port + " -k " + dir
                    + " -c max_connections=200" + (durable ? "" : " -c fsync=off -c synchronous_commit=off "
                    + "-c full_page_writes=off");
            server.pg("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                    "-o", options, "-w", "-t", "60", "start");
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Returns a data source on the {@code postgres} database, opening a new connection per call. */
    public PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        return ds;
    }

    /** Returns the server's JDBC URL, for child JVMs. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /** Runs {@code sql} on a connection of its own. */
    public static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                pg("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "-t", "60", "stop");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not stop the test PostgreSQL in " + dir, e);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: /tmp is cleaned anyway
            }
        }
    }

    private void pg(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        // Output to a file, not a pipe: pg_ctl's server could otherwise hold the pipe open after the tool ends.
        Path out = Files.createTempFile("synapsekit-pg-tool", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(STEP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("took over " + STEP_LIMIT + ": " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + cmd + "\n"
                        + Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var found = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                        .max(Comparator.comparing(Path::toString));
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new Missing("cannot list " + root + ": " + e);
            }
        }
        throw new Missing("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres); install Debian's "
                + "postgresql package");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
