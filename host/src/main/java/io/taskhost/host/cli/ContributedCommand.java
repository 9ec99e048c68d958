package io.taskhost.host.cli;

/**
 * A subcommand of {@code taskhost} that a module the host does not depend on contributes, such as
 * {@code taskhost bench}: a picocli {@code @Command} class with a public no-argument constructor, named
 * in its jar's {@code META-INF/services/io.taskhost.host.cli.ContributedCommand}. {@link Main} finds it
 * with {@link java.util.ServiceLoader} among the jars of lib/, so the host names none of its classes,
 * and the command gets what the host's own commands get: the defaults of the config file and the
 * TASKHOST_* variables, the duration converter, a place in {@code taskhost --help}.
 */
public interface ContributedCommand {
}
