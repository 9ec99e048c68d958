package io.taskhost.host.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;

/** An exception as logback sees it, with every text in it escaped by {@link ControlCharacters}. */
final class PrintableThrowableProxy implements IThrowableProxy {

    private final IThrowableProxy throwable;

    private PrintableThrowableProxy(IThrowableProxy throwable) {
        this.throwable = throwable;
    }

    static IThrowableProxy of(IThrowableProxy throwable) {
        return throwable == null || throwable instanceof PrintableThrowableProxy ? throwable
                : new PrintableThrowableProxy(throwable);
    }

    @Override
    public String getOverridingMessage() {
        return ControlCharacters.escape(throwable.getOverridingMessage());
    }

    @Override
    public String getMessage() {
        return ControlCharacters.escape(throwable.getMessage());
    }

    @Override
    public String getClassName() {
        return ControlCharacters.escape(throwable.getClassName());
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
        StackTraceElementProxy[] frames = throwable.getStackTraceElementProxyArray();
        return frames == null ? null : Arrays.stream(frames).map(PrintableThrowableProxy::printable)
                .toArray(StackTraceElementProxy[]::new);
    }

    @Override
    public int getCommonFrames() {
        return throwable.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
        return of(throwable.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
        IThrowableProxy[] suppressed = throwable.getSuppressed();
        return suppressed == null ? null : Arrays.stream(suppressed).map(PrintableThrowableProxy::of)
                .toArray(IThrowableProxy[]::new);
    }

    @Override
    public boolean isCyclic() {
        return throwable.isCyclic();
    }

    /**
     * Class, method and file names come from class files, which a hostile jar writes. A frame
     * with nothing to escape is kept as it is: a frame made anew would print the names of the
     * JDK's own class loaders and modules that the JVM's frames leave out.
     */
    private static StackTraceElementProxy printable(StackTraceElementProxy frame) {
        StackTraceElement element = frame.getStackTraceElement();
        if (!needsEscaping(element.getClassLoaderName(), element.getModuleName(), element.getModuleVersion(),
                element.getClassName(), element.getMethodName(), element.getFileName())) {
            return frame;
        }
        var escaped = new StackTraceElement(ControlCharacters.escape(element.getClassLoaderName()),
                ControlCharacters.escape(element.getModuleName()), ControlCharacters.escape(element.getModuleVersion()),
                ControlCharacters.escape(element.getClassName()), ControlCharacters.escape(element.getMethodName()),
                ControlCharacters.escape(element.getFileName()), element.getLineNumber());
        var proxy = new StackTraceElementProxy(escaped);
        proxy.setClassPackagingData(frame.getClassPackagingData());
        return proxy;
    }

    private static boolean needsEscaping(String... texts) {
        for (String text : texts) {
            if (text != null && !text.equals(ControlCharacters.escape(text))) {
                return true;
            }
        }
        return false;
    }
}
