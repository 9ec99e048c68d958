package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.taskhost.api.TaskClass;
import io.taskhost.api.TaskOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassFileAnnotationsTest {

    private static ClassFileAnnotations read(Class<?> type) throws IOException {
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return ClassFileAnnotations.read(in.readAllBytes(), Set.of(TaskOptions.class, TaskClass.class));
        }
    }

    @Test
    void readsTaskOptionsAndTaskClassOfTheClassAndOfEachOverloadWithoutInitialisingAnything() throws Exception {
        ClassFileAnnotations annotations = read(AnnotatedSample.class);

        assertEquals(List.of("Sample", "SampleModel"), annotations.onClass(TaskClass.class).strings("value"));
        var options = annotations.onClass(TaskOptions.class);
        assertEquals("2m", options.string("timeout"));
        assertEquals(3, options.integer("maxAttempts"));
        assertEquals("1g", options.string("maxHeap"));
        var map = AnnotatedSample.class.getMethod("_task_run", Map.class);
        var string = AnnotatedSample.class.getMethod("_task_run", String.class);
        assertEquals("512m", annotations.onMethod("_task_run", ClassFileAnnotations.descriptor(map),
                TaskOptions.class).string("maxHeap"));
        assertNull(annotations.onMethod("_task_run", ClassFileAnnotations.descriptor(string), TaskOptions.class));
        assertFalse(AnnotatedSample.Touched.level, "an enum named by an annotation was initialised");
    }

    @Test
    void aTruncatedClassFileIsAnIoException() throws Exception {
        byte[] whole;
        try (InputStream in = AnnotatedSample.class.getClassLoader().getResourceAsStream(
                AnnotatedSample.class.getName().replace('.', '/') + ".class")) {
            whole = in.readAllBytes();
        }
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);

        assertThrows(IOException.class, () -> ClassFileAnnotations.read(half, Set.of(TaskOptions.class)));
        assertThrows(IOException.class, () -> ClassFileAnnotations.read(new byte[] {1, 2, 3, 4}, Set.of()));
    }
}
