package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where the host's own cgroups are, read from {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}. */
class CgroupMountsTest {

    private static final List<String> HYBRID_CGROUP = List.of(
            "9:name=systemd:/", "8:pids:/", "4:memory:/process_api/e2f2", "2:cpu,cpuacct:/", "0::/");
    private static final List<String> HYBRID_MOUNTS = List.of(
            "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
            "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
            "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd",
            "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

    @Test
    void onAHybridMachineTheV2GroupIsUnderUnifiedAndEachV1ControllerUnderItsOwnMount() {
        var mounts = CgroupMounts.parse(HYBRID_CGROUP, HYBRID_MOUNTS);
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), mounts.v2Group());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/pids")), mounts.v1Group("pids"));
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/memory/process_api/e2f2")), mounts.v1Group("memory"));
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/cpu,cpuacct")), mounts.v1Group("cpu"));
        assertEquals(Optional.empty(), mounts.v1Group("blkio"));
    }

    @Test
    void onAPureV2MachineThereIsNoV1Group() {
        var mounts = CgroupMounts.parse(List.of("0::/system.slice/taskhost.service"),
                List.of("26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate"));
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/system.slice/taskhost.service")), mounts.v2Group());
        assertEquals(Optional.empty(), mounts.v1Group("pids"));
    }

    @Test
    void aMountOfPartOfTheHierarchyIsResolvedFromItsRoot() {
        // A container that sees its own part of the hierarchy mounted, without a cgroup namespace.
        var mounts = CgroupMounts.parse(List.of("0::/docker/abc/inner"),
                List.of("26 22 0:23 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw"));
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/inner")), mounts.v2Group());
    }

    @Test
    void aGroupOutsideTheMountedPartIsNotThere() {
        var mounts = CgroupMounts.parse(List.of("0::/elsewhere"),
                List.of("26 22 0:23 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw"));
        assertEquals(Optional.empty(), mounts.v2Group());
    }

    @Test
    void escapedCharactersOfMountPointsAreRead() {
        var mounts = CgroupMounts.parse(List.of("0::/a"),
                List.of("26 22 0:23 / /mnt/with\\040space rw shared:4 master:1 - cgroup2 cgroup2 rw"));
        assertEquals(Optional.of(Path.of("/mnt/with space/a")), mounts.v2Group());
    }

    @Test
    void linesItDoesNotUnderstandAreSkipped() {
        var mounts = CgroupMounts.parse(List.of("garbage", "", "0::/"),
                List.of("nonsense", "1 2 3", "40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw"));
        assertTrue(mounts.v2Group().isPresent());
    }
}
