package io.taskhost.worker;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of chosen annotations on a class and its methods, read from its class file (JVMS §4.7.16).
 * Reflection cannot be used for this in the host: {@code getAnnotation} parses every annotation of the class
 * at once, and an enum value or an annotation interface among them is initialised on the way, which runs
 * plugin code. Only string, int and array-of-string values are kept; any other value reads as absent.
 */
final class ClassFileAnnotations {

    private static final String RUNTIME_VISIBLE = "RuntimeVisibleAnnotations";

    /** An annotation's values by element name: a String, an Integer or a List of them. */
    record Values(Map<String, Object> values) {

        String string(String element) {
            return values.get(element) instanceof String text ? text : null;
        }

        Integer integer(String element) {
            return values.get(element) instanceof Integer number ? number : null;
        }

        List<String> strings(String element) {
            List<String> strings = new ArrayList<>();
            if (values.get(element) instanceof List<?> list) {
                list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(strings::add);
            }
            return strings;
        }
    }

    private final Map<String, Values> onClass;
    private final Map<String, Map<String, Values>> onMethods;

    private ClassFileAnnotations(Map<String, Values> onClass, Map<String, Map<String, Values>> onMethods) {
        this.onClass = onClass;
        this.onMethods = onMethods;
    }

    /** The annotation of type {@code type} (a Class, such as {@code TaskOptions.class}) on the class, or null. */
    Values onClass(Class<?> type) {
        return onClass.get(descriptor(type));
    }

    /** The annotation on the method with this name and descriptor, or null. */
    Values onMethod(String name, String methodDescriptor, Class<?> type) {
        return onMethods.getOrDefault(name + methodDescriptor, Map.of()).get(descriptor(type));
    }

    /**
     * @param types the annotation types to keep; others are skipped unread
     * @throws IOException if the bytes are not a class file
     */
    static ClassFileAnnotations read(byte[] classFile, Set<Class<?>> types) throws IOException {
        Set<String> wanted = new java.util.HashSet<>();
        types.forEach(type -> wanted.add(descriptor(type)));
        try {
            return new Parser(new DataInputStream(new ByteArrayInputStream(classFile)), wanted).parse();
        } catch (RuntimeException e) {
            throw new IOException("malformed class file: " + e, e);
        }
    }

    /** The JVM's descriptor of a method, as its class file names it. */
    static String descriptor(java.lang.reflect.Method method) {
        StringBuilder descriptor = new StringBuilder("(");
        for (Class<?> parameter : method.getParameterTypes()) {
            descriptor.append(parameter.descriptorString());
        }
        return descriptor.append(')').append(method.getReturnType().descriptorString()).toString();
    }

    private static String descriptor(Class<?> type) {
        return type.descriptorString();
    }

    private static final class Parser {

        private final DataInputStream in;
        private final Set<String> wanted;
        private Object[] constants;

        Parser(DataInputStream in, Set<String> wanted) {
            this.in = in;
            this.wanted = wanted;
        }

        ClassFileAnnotations parse() throws IOException {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file (no 0xCAFEBABE)");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            readConstants();
            in.readUnsignedShort();
            in.readUnsignedShort();
            in.readUnsignedShort();
            skip(2 * in.readUnsignedShort());
            int fields = in.readUnsignedShort();
            for (int i = 0; i < fields; i++) {
                skip(6);
                attributes();
            }
            Map<String, Map<String, Values>> onMethods = new HashMap<>();
            int methods = in.readUnsignedShort();
            for (int i = 0; i < methods; i++) {
                in.readUnsignedShort();
                String name = utf8(in.readUnsignedShort());
                String descriptor = utf8(in.readUnsignedShort());
                Map<String, Values> annotations = attributes();
                if (!annotations.isEmpty()) {
                    onMethods.put(name + descriptor, annotations);
                }
            }
            return new ClassFileAnnotations(attributes(), onMethods);
        }

        private void readConstants() throws IOException {
            int count = in.readUnsignedShort();
            constants = new Object[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> constants[i] = in.readUTF();
                    case 3 -> constants[i] = in.readInt();
                    case 4 -> skip(4);
                    case 5, 6 -> {
                        skip(8);
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> skip(2);
                    case 15 -> skip(3);
                    case 9, 10, 11, 12, 17, 18 -> skip(4);
                    default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
                }
            }
        }

        /** Reads an attribute table, returning the wanted annotations of its RuntimeVisibleAnnotations. */
        private Map<String, Values> attributes() throws IOException {
            Map<String, Values> annotations = new HashMap<>();
            int count = in.readUnsignedShort();
            for (int i = 0; i < count; i++) {
                String name = utf8(in.readUnsignedShort());
                int length = in.readInt();
                if (!RUNTIME_VISIBLE.equals(name)) {
                    skip(length);
                    continue;
                }
                int number = in.readUnsignedShort();
                for (int a = 0; a < number; a++) {
                    String type = utf8(in.readUnsignedShort());
                    Map<String, Object> values = annotationValues();
                    if (wanted.contains(type)) {
                        annotations.put(type, new Values(values));
                    }
                }
            }
            return annotations;
        }

        private Map<String, Object> annotationValues() throws IOException {
            Map<String, Object> values = new HashMap<>();
            int pairs = in.readUnsignedShort();
            for (int i = 0; i < pairs; i++) {
                String element = utf8(in.readUnsignedShort());
                Object value = elementValue();
                if (value != null) {
                    values.put(element, value);
                }
            }
            return values;
        }

        private Object elementValue() throws IOException {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 's':
                    return utf8(in.readUnsignedShort());
                case 'I':
                    return constants[in.readUnsignedShort()] instanceof Integer number ? number : null;
                case 'B', 'C', 'D', 'F', 'J', 'S', 'Z', 'c':
                    skip(2);
                    return null;
                case 'e':
                    skip(4);
                    return null;
                case '@':
                    in.readUnsignedShort();
                    annotationValues();
                    return null;
                case '[':
                    List<Object> list = new ArrayList<>();
                    int count = in.readUnsignedShort();
                    for (int i = 0; i < count; i++) {
                        Object element = elementValue();
                        if (element != null) {
                            list.add(element);
                        }
                    }
                    return list;
                default:
                    throw new IOException("unknown annotation element tag " + tag);
            }
        }

        private String utf8(int index) throws IOException {
            if (constants[index] instanceof String text) {
                return text;
            }
            throw new IOException("constant pool entry " + index + " is not a string");
        }

        private void skip(int bytes) throws IOException {
            in.skipNBytes(bytes);
        }
    }
}
