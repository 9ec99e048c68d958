package io.taskhost.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Resolves {@link PluginTasks} parameters for {@link PluginTest @PluginTest} classes. One
 * {@code PluginTasks} per plugin and mode serves the whole test run and is closed at its end.
 */
public final class PluginTasksExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PluginTasksExtension.class);
    private static final String DEFAULT_PLUGIN = "target/classes";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PluginTasks.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PluginTest settings = settings(context.getRequiredTestClass());
        Path plugin = Path.of(pluginOf(settings)).toAbsolutePath().normalize();
        PluginTest.Mode mode = settings == null ? PluginTest.Mode.FORKED : settings.mode();
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(mode + " " + plugin,
                key -> mode == PluginTest.Mode.FORKED ? PluginTasks.forked(plugin) : PluginTasks.inProcess(plugin),
                PluginTasks.class);
    }

    /** A nested test class takes its settings from the nearest class that has them. */
    private static PluginTest settings(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            var found = AnnotationSupport.findAnnotation(type, PluginTest.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }

    private static String pluginOf(PluginTest settings) {
        if (settings != null && !settings.plugin().isBlank()) {
            return settings.plugin();
        }
        return System.getProperty(PluginTest.PLUGIN_PROPERTY, DEFAULT_PLUGIN);
    }
}
