package io.taskhost.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain Java values, the way jackson-databind maps it to {@code Object} by default:
 * LinkedHashMap, ArrayList, String, Integer, Long, BigInteger, Double, Boolean and null. It needs
 * jackson-core only, which is what lets a worker leave databind unloaded.
 */
final class NaturalJson {

    private final JsonFactory json;

    NaturalJson(JsonFactory json) {
        this.json = json;
    }

    Object read(String text) throws IOException {
        try (JsonParser parser = json.createParser(text)) {
            parser.nextToken();
            Object value = read(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing content after the JSON value");
            }
            return value;
        }
    }

    private static Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new JsonParseException(parser, "no JSON value");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(parser, "unexpected " + token);
        };
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException {
        var object = new LinkedHashMap<String, Object>();
        String field;
        while ((field = parser.nextFieldName()) != null) {
            parser.nextToken();
            object.put(field, read(parser));
        }
        return object;
    }

    private static List<Object> readArray(JsonParser parser) throws IOException {
        var array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(read(parser));
        }
        return array;
    }

    /** Whether {@link #write} writes {@code value} exactly as databind would. */
    static boolean isNatural(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof BigInteger || value instanceof Double) {
            return true;
        }
        if (value instanceof Map<?, ?> map && isPlatformClass(map)) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String) || !isNatural(entry.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof List<?> list && isPlatformClass(list)) {
            for (Object element : list) {
                if (!isNatural(element)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** A collection class of the JDK, which cannot carry Jackson annotations that change how databind writes it. */
    private static boolean isPlatformClass(Object collection) {
        return collection.getClass().getClassLoader() == null;
    }

    /** {@code value} as compact JSON; it must be {@linkplain #isNatural natural}. */
    String write(Object value) throws IOException {
        var text = new StringWriter();
        try (JsonGenerator generator = json.createGenerator(text)) {
            write(generator, value);
        }
        return text.toString();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String string) {
            generator.writeString(string);
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else if (value instanceof Integer number) {
            generator.writeNumber(number);
        } else if (value instanceof Long number) {
            generator.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            generator.writeNumber(number);
        } else if (value instanceof Double number) {
            generator.writeNumber(number);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName((String) entry.getKey());
                write(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else {
            generator.writeStartArray();
            for (Object element : (List<?>) value) {
                write(generator, element);
            }
            generator.writeEndArray();
        }
    }
}
