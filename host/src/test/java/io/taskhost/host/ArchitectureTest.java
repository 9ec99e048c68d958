package io.taskhost.host;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The dependencies the modules' boundaries promise, checked on the compiled classes of the host and of
 * what is on its class path (worker-runtime, plugin-api, testkit). Maven already keeps a module from
 * compiling against one it does not declare; these rules also hold when someone declares one.
 */
@AnalyzeClasses(packages = "io.taskhost", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** One slice per package, a package's subpackages included in none but their own. */
    private static final SliceAssignment EVERY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return SliceIdentifier.of(javaClass.getPackageName());
        }

        @Override
        public String getDescription() {
            return "the packages of io.taskhost, each one a slice";
        }
    };

    @ArchTest
    static final ArchRule noPackageIsPartOfACycle = slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theWorkerRuntimeKnowsNeitherTheHostNorTheTestkit = noClasses()
            .that().resideInAPackage("io.taskhost.worker..")
            .should().dependOnClassesThat().resideInAnyPackage("io.taskhost.host..", "io.taskhost.testkit..");

    @ArchTest
    static final ArchRule thePluginApiNeedsNothingButTheJdkAndPf4j = classes()
            .that().resideInAPackage("io.taskhost.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.taskhost.api..", "org.pf4j..");

    @ArchTest
    static final ArchRule theTestkitRunsPluginsWithoutTheHost = noClasses()
            .that().resideInAPackage("io.taskhost.testkit..")
            .should().dependOnClassesThat().resideInAPackage("io.taskhost.host..");

    @ArchTest
    static final ArchRule theHostKnowsNothingOfTheBenchmark = noClasses()
            .that().resideInAPackage("io.taskhost.host..")
            .should().dependOnClassesThat().resideInAPackage("io.taskhost.bench..");
}
