package io.parley.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets this JVM listens on, from Linux's {@code /proc}: the inodes of {@code
 * /proc/self/fd/*} that are sockets, matched against the LISTEN rows of {@code /proc/net/tcp} and
 * {@code tcp6}. Addresses as the kernel writes them, decoded to dotted / colon form.
 */
final class ListeningSockets {
    private static final String LISTEN = "0A";

    /** One listening socket: its local address and port. */
    record Listener(String address, int port) {
        boolean loopback() {
            return address.startsWith("127.") || address.equals("::1");
        }
    }

    private ListeningSockets() {}

    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/net/tcp"))
                && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    static List<Listener> ofThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // an fd closed between list and read
                }
            }
        }
        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals(LISTEN) && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    listeners.add(new Listener(decode(local[0]), Integer.parseInt(local[1], 16)));
                }
            }
        }
        return listeners;
    }

    /** /proc/net/tcp writes an address as 32-bit words in host (little-endian) byte order. */
    static String decode(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff)
                    + "."
                    + (bytes[1] & 0xff)
                    + "."
                    + (bytes[2] & 0xff)
                    + "."
                    + (bytes[3] & 0xff);
        }
        boolean v4Mapped = true;
        for (int i = 0; i < 10; i++) {
            v4Mapped &= bytes[i] == 0;
        }
        v4Mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        if (v4Mapped) {
            return (bytes[12] & 0xff)
                    + "."
                    + (bytes[13] & 0xff)
                    + "."
                    + (bytes[14] & 0xff)
                    + "."
                    + (bytes[15] & 0xff);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            out.append(i == 0 ? "" : ":")
                    .append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
        }
        String full = out.toString();
        return full.equals("0:0:0:0:0:0:0:1")
                ? "::1"
                : full.equals("0:0:0:0:0:0:0:0") ? "::" : full;
    }
}
