// Runs after the archetype plugin generated the project: keeps the chosen model's sources and removes the others.
// An unknown model fails the generation and removes what this run generated (the plugin does not check the
// required property's validationRegex in batch mode).
import java.lang.management.ManagementFactory
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.nio.file.StandardCopyOption

def models = ['ndis', 'storport', 'wdf']
def model = request.properties.getProperty('model')
Path project = Paths.get(request.outputDirectory, request.artifactId)

if (!(model in models)) {
    // delete only what this Maven run wrote (the folder may have held files before), then empty folders
    long started = ManagementFactory.runtimeMXBean.startTime
    if (Files.isDirectory(project)) {
        Files.walk(project).sorted(Comparator.reverseOrder()).each { Path p ->
            if (Files.isDirectory(p)) {
                boolean empty = Files.list(p).withCloseable { !it.findAny().isPresent() }
                if (empty) {
                    Files.delete(p)
                }
            } else if (Files.getLastModifiedTime(p).toMillis() >= started) {
                Files.delete(p)
            }
        }
    }
    throw new IllegalArgumentException("model must be one of ${models.join(', ')} (got '${model}'); nothing was generated")
}

String packagePath = request.getPackage().replace('.', '/')
['src/main/java', 'src/test/java'].each { String root ->
    Path pkg = project.resolve(root).resolve(packagePath)
    Path chosen = pkg.resolve(model)
    if (Files.isDirectory(chosen)) {
        Files.list(chosen).withCloseable { it.toList() }.each { Path f ->
            Files.move(f, pkg.resolve(f.fileName), StandardCopyOption.REPLACE_EXISTING)
        }
        Files.delete(chosen)
    }
    (models - model).each { String other ->
        Path dir = pkg.resolve(other)
        if (Files.isDirectory(dir)) {
            Files.walk(dir).sorted(Comparator.reverseOrder()).each { Files.delete(it) }
        }
    }
}
println "Generated a drvsim ${model} driver project in ${project}: cd ${request.artifactId} && mvn verify"
