package org.ha4j.proxy.nginx;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.config.IncludeRules;

/**
 * nginx's {@code include} (ngx_conf_include): one argument, in any context; a relative path starts
 * at the configuration prefix, the directory of the main file, whichever file holds the include (so
 * {@code include stream.d/*.conf;} in {@code /etc/nginx/modules-enabled/x.conf} still means {@code
 * /etc/nginx/stream.d/}). A path with {@code *}, {@code ?} or {@code [} is a glob, and one matching
 * nothing includes nothing, silently; any other path must be a file nginx can open.
 */
final class NginxIncludes implements IncludeRules {

  /**
   * Blocks the loader skips whole: the files they include ({@code mime.types}, {@code conf.d/} of
   * {@code http {}}) belong to nginx, and a host that runs ha4j in its place need not have them.
   */
  private static final Set<String> SKIPPED_BLOCKS = Set.of("http", "mail", "events");

  @Override
  public boolean expandsInside(ConfigStatement block) {
    return !SKIPPED_BLOCKS.contains(block.keyword());
  }

  @Override
  public boolean isInclude(ConfigStatement statement) {
    return statement.keyword().equals("include");
  }

  @Override
  public Optional<String> pattern(ConfigStatement include, ConfigProblems problems) {
    if (include.hasBlock()) {
      problems.error(include, "directive \"include\" is not terminated by \";\"");
      return Optional.empty();
    }
    if (include.args().size() != 1) {
      problems.error(include, "invalid number of arguments in \"include\" directive");
      return Optional.empty();
    }
    return Optional.of(include.args().get(0));
  }

  @Override
  public Path relativeTo(Path includingFile, Path mainFile) {
    Path prefix = mainFile.getParent();
    return prefix == null ? Path.of("") : prefix;
  }

  @Override
  public boolean braces() {
    return false;
  }

  @Override
  public void noMatch(
      ConfigStatement include, String pattern, NoMatch why, ConfigProblems problems) {
    boolean glob =
        pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    if (!glob) {
      problems.error(include, "open() \"" + pattern + "\" failed (No such file or directory)");
    }
  }

  @Override
  public boolean reads(
      ConfigStatement include, Path match, FileKind kind, ConfigProblems problems) {
    switch (kind) {
      case DIRECTORY -> {
        problems.error(include, "pread() \"" + match + "\" failed (Is a directory)");
        return false;
      }
      case SPECIAL -> {
        problems.error(
            include, "\"" + match + "\" is not a regular file: ha4j reads only regular files");
        return false;
      }
      default -> {
        return true;
      }
    }
  }
}
