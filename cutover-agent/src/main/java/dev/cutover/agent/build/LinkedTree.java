package dev.cutover.agent.build;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Builds an instance's working directory from a release: fresh, writable directories, and hard links to the
 * release's read-only files, so that an app can create files next to its code while the code stays shared and
 * unchanged. Symlinks are recreated as symlinks with the same (relative, already checked) target.
 */
final class LinkedTree {

    private LinkedTree() {}

    static void create(Path release, Path workingDirectory) throws IOException {
        Files.walkFileTree(release, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(workingDirectory.resolve(release.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = workingDirectory.resolve(release.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    Files.createLink(target, file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
