import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny cqlsh stand-in for the local stack: cassandra-all ships no cqlsh, and the stack needs
 * to apply {@code infra/cassandra/schema.cql} and answer a query or two.
 *
 * <p>Run as a single-file program on the java-driver classpath that {@code ./parley up} fetches:
 *
 * <pre>
 * java -cp '.parley/dist/cqlrunner/*' infra/local/CqlRunner.java infra/cassandra/schema.cql
 * java -cp '.parley/dist/cqlrunner/*' infra/local/CqlRunner.java -e "SELECT release_version FROM system.local"
 * </pre>
 *
 * Options: {@code --host} (127.0.0.1), {@code --port} (9042), {@code --timeout} seconds to wait for
 * the server (60). Files are split into statements on {@code ;} outside quotes and comments;
 * statements run in order and the first failure exits 1. Rows of a SELECT are printed tab-separated.
 */
public class CqlRunner {

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 9042;
        int timeoutSeconds = 60;
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--timeout" -> timeoutSeconds = Integer.parseInt(args[++i]);
                case "-e" -> statements.addAll(split(args[++i]));
                default ->
                        statements.addAll(
                                split(Files.readString(Path.of(args[i]), StandardCharsets.UTF_8)));
            }
        }
        if (statements.isEmpty()) {
            System.err.println(
                    "usage: CqlRunner [--host H] [--port P] [--timeout S] (file.cql | -e CQL)...");
            System.exit(2);
        }
        try (CqlSession session = connect(host, port, Duration.ofSeconds(timeoutSeconds))) {
            for (String cql : statements) {
                ResultSet rs;
                try {
                    rs = execute(session, cql);
                } catch (RuntimeException e) {
                    System.err.println("FAILED: " + oneLine(cql) + "\n  " + e.getMessage());
                    System.exit(1);
                    return;
                }
                if (rs.getColumnDefinitions().size() > 0) {
                    print(rs);
                }
            }
        }
    }

    /**
     * Runs one statement, retrying a timeout twice: on a busy 2-core machine a schema change can
     * take longer than the timeout, and the schema's statements are idempotent (IF NOT EXISTS).
     */
    private static ResultSet execute(CqlSession session, String cql) {
        for (int attempt = 1; ; attempt++) {
            try {
                return session.execute(cql);
            } catch (DriverTimeoutException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.err.println("timeout, retrying: " + oneLine(cql));
            }
        }
    }

    /** Retries until the node accepts CQL or the deadline passes: the port opens late. */
    private static CqlSession connect(String host, int port, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return CqlSession.builder()
                        .withConfigLoader(
                                DriverConfigLoader.programmaticBuilder()
                                        .withDuration(
                                                DefaultDriverOption.REQUEST_TIMEOUT,
                                                Duration.ofSeconds(30))
                                        .withDuration(
                                                DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT,
                                                Duration.ofSeconds(10))
                                        .withDuration(
                                                DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT,
                                                Duration.ofSeconds(10))
                                        .withDuration(
                                                DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT,
                                                Duration.ofSeconds(30))
                                        .withDuration(
                                                DefaultDriverOption
                                                        .CONTROL_CONNECTION_AGREEMENT_TIMEOUT,
                                                Duration.ofSeconds(30))
                                        .build())
                        .addContactPoint(new InetSocketAddress(host, port))
                        .withLocalDatacenter("datacenter1")
                        .build();
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    private static void print(ResultSet rs) {
        List<String> names = new ArrayList<>();
        for (ColumnDefinition column : rs.getColumnDefinitions()) {
            names.add(column.getName().asCql(true));
        }
        System.out.println(String.join("\t", names));
        for (Row row : rs) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                Object value = row.getObject(i);
                values.add(String.valueOf(value));
            }
            System.out.println(String.join("\t", values));
        }
    }

    /** Splits CQL text on ';' outside quotes, dropping -- and // line comments and block comments. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            char next = i + 1 < n ? text.charAt(i + 1) : '\0';
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < n) {
                    if (text.charAt(end) == c) {
                        // a doubled quote is an escaped quote inside the literal
                        if (end + 1 < n && text.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                current.append(text, i, Math.min(end + 1, n));
                i = end;
            } else if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                current.append('\n');
            } else if (c == '/' && next == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
                current.append(' ');
            } else if (c == ';') {
                add(out, current);
            } else {
                current.append(c);
            }
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder current) {
        String statement = current.toString().trim();
        if (!statement.isEmpty()) {
            out.add(statement);
        }
        current.setLength(0);
    }

    private static String oneLine(String cql) {
        String flat = cql.replaceAll("\\s+", " ");
        return flat.length() > 120 ? flat.substring(0, 117) + "..." : flat;
    }
}
