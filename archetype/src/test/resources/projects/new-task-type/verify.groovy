// The README's "Write a new task type", on the project the archetype generated and packaged once (which also
// filled the test's local repository): add an operation and its test, package again offline, copy the jar into a
// running host's plugins-dir under a temporary name then mv it, push a task to Redis, read its outcome.
// The host is the distribution this build made, on an embedded redis-server; no Redis needs to be installed.

import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.TimeUnit
import java.util.concurrent.locks.LockSupport

/** A minimal RESP client: enough for LPUSH and BLPOP, so that the test needs neither redis-cli nor a driver. */
class Redis implements Closeable {
    private final Socket socket
    private final InputStream input
    private final OutputStream output

    Redis(int port) {
        socket = new Socket("127.0.0.1", port)
        socket.soTimeout = 180_000
        input = new BufferedInputStream(socket.inputStream)
        output = socket.outputStream
    }

    Object call(String... args) {
        def request = new ByteArrayOutputStream()
        request.write("*${args.length}\r\n".getBytes("UTF-8"))
        for (String arg : args) {
            byte[] bytes = arg.getBytes("UTF-8")
            request.write("\$${bytes.length}\r\n".getBytes("UTF-8"))
            request.write(bytes)
            request.write("\r\n".getBytes("UTF-8"))
        }
        output.write(request.toByteArray())
        output.flush()
        return reply()
    }

    private String line() {
        def bytes = new ByteArrayOutputStream()
        int c
        while ((c = input.read()) != 13) {
            if (c < 0) {
                throw new EOFException("Redis closed the connection")
            }
            bytes.write(c)
        }
        input.read()
        return bytes.toString("UTF-8")
    }

    private Object reply() {
        String head = line()
        String rest = head.substring(1)
        switch (head.charAt(0)) {
            case '+' as char: return rest
            case '-' as char: throw new IllegalStateException(rest)
            case ':' as char: return rest as long
            case '$' as char:
                int length = rest as int
                if (length < 0) {
                    return null
                }
                byte[] bytes = input.readNBytes(length)
                input.readNBytes(2)
                return new String(bytes, "UTF-8")
            case '*' as char:
                int count = rest as int
                return count < 0 ? null : (0..<count).collect { reply() }
            default: throw new IllegalStateException("not a RESP reply: " + head)
        }
    }

    void close() {
        socket.close()
    }
}

static <T> T eventually(long seconds, String what, Closure<T> valueOrNull) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
    while (true) {
        T value = valueOrNull()
        if (value != null) {
            return value
        }
        if (System.nanoTime() > end) {
            throw new AssertionError("timed out after ${seconds} s waiting for ${what}")
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100))
    }
}

Path project = (context.projectDir as File).toPath()   // bound by the archetype plugin
Path checkout = project.resolve("../../../../../../..").normalize()   // archetype/target/test-classes/projects/<it>/project/<artifactId>
Path distribution = checkout.resolve("distribution/target/taskhost/bin/taskhost")
Path testRepository = checkout.resolve("archetype/target/it-repo")
assert Files.isExecutable(distribution) : "the distribution is built before the archetype: ${distribution}"

// Edit: an operation, and its test, as the README shows them.
Path source = project.resolve("src/main/java/com/example/mail/Mailer.java")
String code = Files.readString(source)
Files.writeString(source, code.substring(0, code.lastIndexOf('}')) + '''
    public Map<String, Object> _task_send_welcome_mail(Map<String, Object> params) {
        return Map.of("sent", true, "user_id", params.get("user_id"));
    }
}
''')
Path test = project.resolve("src/test/java/com/example/mail/MailerTest.java")
String testCode = Files.readString(test)
Files.writeString(test, testCode.substring(0, testCode.lastIndexOf('}')) + '''
    @Test
    void sendsTheWelcomeMail(PluginTasks tasks) {
        tasks.run("Mailer", "send_welcome_mail", "{\\"user_id\\":42}")
                .assertPassed()
                .assertResultJson("{\\"sent\\":true,\\"user_id\\":42}");
    }
}
''')

// mvn package, offline, with the first build's local repository and settings: it fetched every plugin needed.
Path buildLog = project.resolve("package-again.log")
String mvn = System.getProperty("maven.home") + "/bin/mvn"
Path settings = checkout.resolve("archetype/target/archetype-it/interpolated-settings.xml")
Process build = new ProcessBuilder(mvn, "-o", "-B", "-s", settings.toString(), "-Dmaven.repo.local=" + testRepository,
        "package")
        .directory(project.toFile()).redirectErrorStream(true).redirectOutput(buildLog.toFile()).start()
assert build.waitFor(10, TimeUnit.MINUTES) && build.exitValue() == 0 : Files.readString(buildLog)
Path jar = project.resolve("target/mail-tasks-1.0.0.jar")

Path work = Files.createTempDirectory("taskhost-new-task-type")
// The host refuses a plugins-dir or jar that others can write to; a umask of 002 would make them so.
Path pluginsDir = Files.createDirectory(work.resolve("plugins-dir"))
Files.setPosixFilePermissions(pluginsDir, PosixFilePermissions.fromString("rwxr-xr-x"))
Path hostLog = work.resolve("host.log")
int port = new ServerSocket(0).withCloseable { it.localPort }
Process host = new ProcessBuilder(distribution.toString(), "run", "--redis", "embedded:" + port,
        "--plugins-dir", pluginsDir.toString(), "--cache-dir", work.resolve("cache").toString(), "--workers", "1")
        .redirectErrorStream(true).redirectOutput(hostLog.toFile()).start()
try {
    Redis redis = eventually(120, "the host's Redis on port ${port}") {
        assert host.alive : Files.readString(hostLog)
        try {
            return new Redis(port)
        } catch (ConnectException e) {
            return null
        }
    }
    redis.withCloseable {
        // cp under a temporary name, then mv: the host never sees a half-written jar.
        Path temporary = pluginsDir.resolve(".mail-tasks.jar.tmp")
        Files.copy(jar, temporary)
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"))
        Files.move(temporary, pluginsDir.resolve("mail-tasks.jar"), StandardCopyOption.ATOMIC_MOVE)

        redis.call("LPUSH", "task_queue", '{"class":"Mailer","worker":"send_welcome_mail","params":{"user_id":42}}')
        // BLPOP waits for the outcome that the README reads with LRANGE '{task_queue}:outcomes' 0 0.
        List popped = redis.call("BLPOP", "{task_queue}:outcomes", "120") as List
        assert popped != null : "no outcome within 120 s; host log:\n" + Files.readString(hostLog)
        def outcome = new JsonSlurper().parseText(popped[1] as String)
        assert outcome.status == "passed" : popped[1] + "\nhost log:\n" + Files.readString(hostLog)
        assert outcome["class"] == "Mailer"
        assert outcome.worker == "send_welcome_mail"
        assert outcome.plugin.id == "mail-tasks" && outcome.plugin.version == "1.0.0"
        assert outcome.result == [sent: true, user_id: 42]
    }
} finally {
    List<ProcessHandle> children = host.descendants().toList()
    host.destroy()
    if (!host.waitFor(60, TimeUnit.SECONDS)) {
        host.destroyForcibly()
    }
    children.findAll { it.alive }.each { it.destroyForcibly() }
    work.toFile().deleteDir()
}
println "new-task-type: Mailer.send_welcome_mail passed in a host started from ${distribution}"
return true
