package io.taskhost.host.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format, version 0.0.4, to check what
 * {@code /metrics} serves: a line that breaks the format fails the parse with its number. It is
 * stricter than the format in ways a conforming writer does not notice: every sample needs a
 * {@code # TYPE} line for its family before it, blanks may separate only the sample's name or label
 * set, value and timestamp, and only {@code NaN}, {@code +Inf} and {@code -Inf} spell the special
 * values. Histograms must be whole: cumulative buckets in ascending {@code le} order, a {@code +Inf}
 * bucket equal to {@code _count}, and a {@code _sum}.
 */
public final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + METRIC_NAME + ")(?: (.*))?");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + METRIC_NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern FLOAT =
            Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]Inf|NaN");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d{1,19}");

    /** One line of data. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A metric family: its HELP and TYPE lines and its samples, in the order written. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    /** @throws IllegalArgumentException naming the first line that breaks the format, and how */
    public static PrometheusText parse(String text) {
        return new Reader(text).read();
    }

    public Set<String> familyNames() {
        return families.keySet();
    }

    public Family family(String name) {
        Family family = families.get(name);
        if (family == null) {
            throw new AssertionError("no metric family " + name + " in " + families.keySet());
        }
        return family;
    }

    /** Samples named {@code name} (a family's name, or a histogram's {@code _bucket}, {@code _sum}, {@code _count}). */
    public List<Sample> samples(String name) {
        return families.values().stream().flatMap(f -> f.samples().stream()).filter(s -> s.name().equals(name)).toList();
    }

    /** The value of the one sample named {@code name} whose labels include {@code labels}. */
    public double value(String name, Map<String, String> labels) {
        List<Sample> matching = matching(name, labels);
        if (matching.size() != 1) {
            throw new AssertionError("expected one sample " + name + " with " + labels + ", found " + matching
                    + " among " + samples(name));
        }
        return matching.get(0).value();
    }

    /** The sum over the samples named {@code name} whose labels include {@code labels}; 0 if there are none. */
    public double sum(String name, Map<String, String> labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private List<Sample> matching(String name, Map<String, String> labels) {
        return samples(name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    /** Reads the text line by line; one instance per parse. */
    private static final class Reader {

        private final String text;
        private final Map<String, Family> families = new LinkedHashMap<>();
        private final Map<String, Set<Map<String, String>>> seriesSeen = new TreeMap<>();
        private int lineNumber;
        private String line;
        private String currentName;
        private String currentType;
        private String currentHelp;
        private List<Sample> currentSamples;

        Reader(String text) {
            this.text = text;
        }

        PrometheusText read() {
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new IllegalArgumentException("the exposition does not end with a line feed");
            }
            String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
            for (String each : lines) {
                lineNumber++;
                line = each;
                if (line.indexOf('\r') >= 0) {
                    throw malformed("carriage return; lines end with a line feed alone");
                }
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    comment();
                } else {
                    sample();
                }
            }
            closeFamily();
            families.values().stream().filter(f -> f.type().equals("histogram")).forEach(this::checkHistogram);
            return new PrometheusText(families);
        }

        private void comment() {
            if (line.startsWith("# HELP ") || line.equals("# HELP")) {
                var matcher = HELP.matcher(line);
                if (!matcher.matches()) {
                    throw malformed("malformed HELP line");
                }
                String help = matcher.group(2) == null ? "" : unescape(matcher.group(2));
                declare(matcher.group(1));
                if (currentHelp != null) {
                    throw malformed("a second HELP line for " + currentName);
                }
                currentHelp = help;
            } else if (line.startsWith("# TYPE ") || line.equals("# TYPE")) {
                var matcher = TYPE.matcher(line);
                if (!matcher.matches()) {
                    throw malformed("malformed TYPE line");
                }
                declare(matcher.group(1));
                if (currentType != null) {
                    throw malformed("a second TYPE line for " + currentName);
                }
                currentType = matcher.group(2);
            }
            // Any other line starting with # is a comment.
        }

        /** Makes {@code name} the current family, starting it if it is new; a family cannot come back later. */
        private void declare(String name) {
            if (name.equals(currentName)) {
                if (!currentSamples.isEmpty()) {
                    throw malformed("HELP or TYPE for " + name + " after its samples");
                }
                return;
            }
            closeFamily();
            if (families.containsKey(name)) {
                throw malformed("metric family " + name + " appears twice; a family's lines must be one group");
            }
            currentName = name;
            currentType = null;
            currentHelp = null;
            currentSamples = new ArrayList<>();
        }

        private void closeFamily() {
            if (currentName == null) {
                return;
            }
            if (currentType == null) {
                throw new IllegalArgumentException("metric family " + currentName + " has no TYPE line (before line "
                        + (lineNumber + 1) + ")");
            }
            families.put(currentName, new Family(currentName, currentType, currentHelp, List.copyOf(currentSamples)));
            currentName = null;
        }

        private void sample() {
            int at = 0;
            var name = METRIC_NAME.matcher(line);
            if (!name.lookingAt()) {
                throw malformed("a sample must start with a metric name");
            }
            String metric = name.group();
            at = name.end();
            Map<String, String> labels = new LinkedHashMap<>();
            if (at < line.length() && line.charAt(at) == '{') {
                at = labels(at + 1, labels);
            }
            int valueStart = skipBlanks(at);
            if (valueStart == at) {
                throw malformed("the value must follow the name or label set after a blank");
            }
            int valueEnd = tokenEnd(valueStart);
            double value = number(line.substring(valueStart, valueEnd), "value");
            if (valueEnd < line.length()) {
                int timestampStart = skipBlanks(valueEnd);
                int timestampEnd = tokenEnd(timestampStart);
                if (timestampStart == valueEnd || timestampEnd != line.length()
                        || !TIMESTAMP.matcher(line.substring(timestampStart, timestampEnd)).matches()) {
                    throw malformed("after the value only a blank and an integer timestamp may follow");
                }
            }
            belongs(metric, labels, value);
            if (!seriesSeen.computeIfAbsent(metric, m -> new HashSet<>()).add(Map.copyOf(labels))) {
                throw malformed("a second sample of the same series");
            }
            currentSamples.add(new Sample(metric, Map.copyOf(labels), value));
        }

        /** Reads {@code name="value",...}} from {@code at}; returns the index after the closing brace. */
        private int labels(int at, Map<String, String> labels) {
            while (true) {
                if (at >= line.length()) {
                    throw malformed("unterminated label set");
                }
                if (line.charAt(at) == '}') {
                    return at + 1;
                }
                var name = LABEL_NAME.matcher(line).region(at, line.length());
                if (!name.lookingAt()) {
                    throw malformed("bad label name at column " + (at + 1));
                }
                String label = name.group();
                if (label.startsWith("__")) {
                    throw malformed("label name " + label + " is reserved");
                }
                at = name.end();
                if (!line.startsWith("=\"", at)) {
                    throw malformed("label " + label + " must be followed by =\"");
                }
                at += 2;
                var value = new StringBuilder();
                while (true) {
                    if (at >= line.length()) {
                        throw malformed("unterminated value of label " + label);
                    }
                    char c = line.charAt(at++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (at >= line.length()) {
                            throw malformed("unterminated escape in label " + label);
                        }
                        char escaped = line.charAt(at++);
                        switch (escaped) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw malformed("invalid escape \\" + escaped + " in label " + label);
                        }
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw malformed("label " + label + " appears twice");
                }
                if (at < line.length() && line.charAt(at) == ',') {
                    at++;
                } else if (at >= line.length() || line.charAt(at) != '}') {
                    throw malformed("expected , or } after the value of label " + label);
                }
            }
        }

        /** Checks that the sample is one its family's type allows, in the family's group. */
        private void belongs(String metric, Map<String, String> labels, double value) {
            if (currentName == null) {
                throw malformed("sample " + metric + " without a TYPE line for its family before it");
            }
            if (currentType == null) {
                throw malformed("sample " + metric + " before the TYPE line of " + currentName);
            }
            String suffix = metric.startsWith(currentName) ? metric.substring(currentName.length()) : null;
            List<String> allowed = switch (currentType) {
                case "histogram" -> List.of("_bucket", "_sum", "_count");
                case "summary" -> List.of("", "_sum", "_count");
                default -> List.of("");
            };
            if (suffix == null || !allowed.contains(suffix)) {
                throw malformed("sample " + metric + " does not belong to the " + currentType + " " + currentName
                        + " whose group it is in");
            }
            if (currentType.equals("counter") && !(value >= 0)) {
                throw malformed("counter " + metric + " must be a non-negative number, not " + value);
            }
            boolean histogramCount = currentType.equals("histogram") && !suffix.equals("_sum");
            if ((histogramCount || currentType.equals("summary") && suffix.equals("_count"))
                    && !(value >= 0 && value == Math.rint(value) && !Double.isInfinite(value))) {
                throw malformed(metric + " must be a non-negative whole count, not " + value);
            }
            if (suffix.equals("_bucket")) {
                String le = labels.get("le");
                if (le == null) {
                    throw malformed("bucket without an le label");
                }
                if (Double.isNaN(number(le, "le"))) {
                    throw malformed("le must be a number or +Inf, not NaN");
                }
            } else if (labels.containsKey("le") && currentType.equals("histogram")) {
                throw malformed(metric + " must not carry an le label");
            }
            if (currentType.equals("summary") && suffix.isEmpty()) {
                String quantile = labels.get("quantile");
                if (quantile == null) {
                    throw malformed("summary sample without a quantile label");
                }
                number(quantile, "quantile");
            }
        }

        private void checkHistogram(Family family) {
            Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
            Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
            Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
            for (Sample sample : family.samples()) {
                Map<String, String> series = new TreeMap<>(sample.labels());
                series.remove("le");
                switch (sample.name().substring(family.name().length())) {
                    case "_bucket" -> buckets.computeIfAbsent(series, s -> new ArrayList<>()).add(sample);
                    case "_count" -> counts.put(series, sample.value());
                    default -> sums.put(series, sample.value());
                }
            }
            if (!buckets.keySet().equals(counts.keySet()) || !counts.keySet().equals(sums.keySet())) {
                throw new IllegalArgumentException("histogram " + family.name() + ": every series needs buckets, "
                        + "_count and _sum; buckets " + buckets.keySet() + ", counts " + counts.keySet() + ", sums "
                        + sums.keySet());
            }
            buckets.forEach((series, list) -> {
                double previousLe = Double.NEGATIVE_INFINITY;
                double previousCount = 0;
                for (Sample bucket : list) {
                    double le = Double.parseDouble(bucket.labels().get("le").replace("Inf", "Infinity"));
                    if (!(le > previousLe)) {
                        throw new IllegalArgumentException("histogram " + family.name() + series
                                + ": buckets must come in ascending le order without repeats, le=" + le
                                + " after le=" + previousLe);
                    }
                    if (bucket.value() < previousCount) {
                        throw new IllegalArgumentException("histogram " + family.name() + series
                                + ": buckets are not cumulative, le=" + le + " counts " + bucket.value()
                                + " after " + previousCount);
                    }
                    previousLe = le;
                    previousCount = bucket.value();
                }
                if (previousLe != Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("histogram " + family.name() + series + " has no +Inf bucket");
                }
                if (previousCount != counts.get(series)) {
                    throw new IllegalArgumentException("histogram " + family.name() + series + ": the +Inf bucket ("
                            + previousCount + ") differs from _count (" + counts.get(series) + ")");
                }
            });
        }

        private double number(String token, String what) {
            if (!FLOAT.matcher(token).matches()) {
                throw malformed(what + " '" + token + "' is not a float, NaN, +Inf or -Inf");
            }
            return Double.parseDouble(token.replace("Inf", "Infinity"));
        }

        private String unescape(String help) {
            var text = new StringBuilder();
            for (int i = 0; i < help.length(); i++) {
                char c = help.charAt(i);
                if (c != '\\') {
                    text.append(c);
                    continue;
                }
                if (++i == help.length()) {
                    throw malformed("HELP text ends in a lone backslash");
                }
                switch (help.charAt(i)) {
                    case '\\' -> text.append('\\');
                    case 'n' -> text.append('\n');
                    default -> throw malformed("invalid escape \\" + help.charAt(i) + " in HELP text");
                }
            }
            return text.toString();
        }

        private int skipBlanks(int at) {
            while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
                at++;
            }
            return at;
        }

        private int tokenEnd(int at) {
            while (at < line.length() && line.charAt(at) != ' ' && line.charAt(at) != '\t') {
                at++;
            }
            return at;
        }

        private IllegalArgumentException malformed(String problem) {
            return new IllegalArgumentException("line " + lineNumber + ": " + problem + ": " + line);
        }
    }
}
