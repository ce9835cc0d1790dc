package org.ha4j.examples.cli;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ha4j.core.config.ConfigException;
import org.ha4j.node.SystemdNotifier;

/**
 * What {@code HUP} does to a command that runs files ({@code run}, {@code proxy --nginx}): the
 * files are read again and applied between systemd's {@code RELOADING=1} and {@code READY=1}.
 * stdout gets {@code RELOADED <what changed>}; a file with errors gets every error with file:line
 * on stderr and {@code RELOAD FAILED: kept the running configuration}, as {@code nginx -s reload}
 * reports it, and the node runs on as before. A reload never ends the command or changes its exit
 * code.
 */
final class ReloadOnHangup implements Supplier<String> {

  static final String KEPT = "kept the running configuration";

  private final Callable<String> reload;
  private final SystemdNotifier systemd;
  private final Consumer<String> out;
  private final Consumer<String> err;

  /**
   * @param reload reads the files again and applies them, returning what changed
   * @param out gets the {@code RELOADED} line
   * @param err gets the errors and the {@code RELOAD FAILED} line
   */
  ReloadOnHangup(
      Callable<String> reload,
      SystemdNotifier systemd,
      Consumer<String> out,
      Consumer<String> err) {
    this.reload = Objects.requireNonNull(reload, "reload");
    this.systemd = Objects.requireNonNull(systemd, "systemd");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  /** Reloads once; returns the outcome for the signal's log line. */
  @Override
  public String get() {
    try {
      String summary = systemd.reload(reload);
      out.accept("RELOADED " + summary);
      return "done";
    } catch (ConfigException e) {
      e.problems().forEach(problem -> err.accept(problem.toString()));
      err.accept("RELOAD FAILED: " + KEPT);
      return "failed: " + KEPT;
    } catch (Exception e) {
      err.accept("RELOAD FAILED: " + e.getMessage());
      return "failed: " + e.getMessage();
    }
  }
}
