package io.taskhost.host.classdata;

/** A training or verification run that did not yield a usable archive; carries what the JVM printed. */
final class ArchiveException extends Exception {

    private final String jvmOutput;

    ArchiveException(String message, String jvmOutput) {
        super(message);
        this.jvmOutput = jvmOutput;
    }

    String jvmOutput() {
        return jvmOutput;
    }
}
