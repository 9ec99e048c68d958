package io.taskhost.host.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Making and removing a cgroup. In a cgroup file system, {@code mkdir} makes the interface files of
 * the new group ({@code cgroup.procs}, {@code pids.max}...) and {@code rmdir} removes a group with
 * them; tests play the kernel's part on plain directories.
 */
interface CgroupFs {

    CgroupFs KERNEL = new CgroupFs() {
        @Override
        public void makeGroup(Path dir) throws IOException {
            Files.createDirectory(dir);
        }

        @Override
        public void removeGroup(Path dir) throws IOException {
            Files.delete(dir);
        }
    };

    void makeGroup(Path dir) throws IOException;

    /** Removes a group that holds no process and no group; fails otherwise. */
    void removeGroup(Path dir) throws IOException;
}
