package io.taskhost.api;

/**
 * Thrown by an operation to fail its task for good: taskhost records the failure and moves the
 * task to the dead letters at once, without the retries an ordinary exception gets. Use it when
 * running again cannot help, such as a payload that refers to a deleted record.
 */
public class UnrecoverableTaskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnrecoverableTaskException(String message) {
        super(message);
    }

    public UnrecoverableTaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
