package io.taskhost.host.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"taskhost " + (version == null ? "(development build)" : version),
                "JVM: " + Runtime.version() + " " + System.getProperty("java.vendor", "")};
    }
}
