package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Lua scripts of the host, read from its sources, are fit for Redis Cluster: a script may touch
 * only the keys it is given (the cluster routes it by them, and they share the queue's slot), and
 * none is run by its SHA, which a replica promoted by a failover would not know.
 */
class LuaScriptKeysTest {

    private static final Path SOURCES = Path.of("src/main/java");
    /** A call from a script: its command and first argument, which is the key of every command the scripts use. */
    private static final Pattern CALL = Pattern.compile("redis\\.p?call\\(\\s*'([A-Za-z]+)'\\s*,\\s*([^,)]+)");
    private static final Pattern GIVEN_KEY = Pattern.compile("KEYS\\[[^\\]]+\\]");
    /** A key name put together in a script: KEYS[1] .. ':suffix', or 'prefix' .. KEYS[1]. */
    private static final Pattern BUILT_KEY = Pattern.compile("KEYS\\[[^\\]]+\\]\\s*\\.\\.|\\.\\.\\s*KEYS\\[");

    @Test
    void everyCallInAScriptTouchesAKeyTheScriptWasGiven() {
        Map<String, List<String>> calls = scriptCalls();
        int count = calls.values().stream().mapToInt(List::size).sum();
        assertTrue(count >= 40, "the scripts' calls were found: " + calls);
        calls.forEach((file, inFile) -> {
            for (String call : inFile) {
                Matcher matcher = CALL.matcher(call);
                assertTrue(matcher.find(), call);
                assertTrue(GIVEN_KEY.matcher(matcher.group(2).trim()).matches(),
                        file + ": " + call + " touches a key it was not given in KEYS");
            }
        });
    }

    @Test
    void noScriptPutsAKeyNameTogether() {
        List<String> built = new ArrayList<>();
        forEachSource((file, text) -> {
            Matcher matcher = BUILT_KEY.matcher(text);
            while (matcher.find()) {
                built.add(file + ": " + matcher.group());
            }
        });
        assertEquals(List.of(), built, "scripts that put a key name together, which Redis Cluster cannot route");
    }

    @Test
    void noScriptIsRunBySha() {
        List<String> bySha = new ArrayList<>();
        forEachSource((file, text) -> {
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("evalsha") || lower.contains("scriptload") || lower.contains("script load")) {
                bySha.add(file);
            }
        });
        assertEquals(List.of(), bySha, "EVALSHA fails with NOSCRIPT after a failover: fall back to EVAL there");
    }

    /** Source file to the calls of its scripts. */
    private static Map<String, List<String>> scriptCalls() {
        Map<String, List<String>> calls = new TreeMap<>();
        forEachSource((file, text) -> {
            Matcher call = CALL.matcher(text);
            while (call.find()) {
                calls.computeIfAbsent(file, f -> new ArrayList<>()).add(call.group());
            }
        });
        return calls;
    }

    private interface SourceVisitor {
        void visit(String file, String text);
    }

    private static void forEachSource(SourceVisitor visitor) {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                visitor.visit(SOURCES.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
