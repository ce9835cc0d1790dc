package org.ha4j.vrrp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ha4j.core.config.CommandLine;

/**
 * keepalived's notify scripts for one instance (keepalived.conf(5), vrrp_instance): each is a
 * command line, split into program and arguments as keepalived splits a {@code vrrp_script}'s line
 * (blanks separate words, quotes keep them together, no shell: {@link CommandLine}).
 *
 * <ul>
 *   <li>{@code notifyMaster}, {@code notifyBackup}, {@code notifyFault}, {@code notifyStop}: run
 *       with only the arguments written;
 *   <li>{@code notifyGeneric} (keepalived's {@code notify}): run after the specific one, with four
 *       arguments appended, as keepalived does: {@code INSTANCE <name> <MASTER|BACKUP|FAULT|STOP>
 *       <priority>}.
 * </ul>
 *
 * Unlike keepalived, which forks them and does not wait (so they can overlap and run out of order,
 * keepalived#996, #584), ha4j runs them one after another on one thread, in the order of the
 * transitions.
 */
public record NotifyScripts(
    Optional<String> notifyMaster,
    Optional<String> notifyBackup,
    Optional<String> notifyFault,
    Optional<String> notifyStop,
    Optional<String> notifyGeneric) {

  public NotifyScripts {
    Objects.requireNonNull(notifyMaster, "notifyMaster");
    Objects.requireNonNull(notifyBackup, "notifyBackup");
    Objects.requireNonNull(notifyFault, "notifyFault");
    Objects.requireNonNull(notifyStop, "notifyStop");
    Objects.requireNonNull(notifyGeneric, "notifyGeneric");
    // an unterminated quote or an empty line is refused here, not when a transition runs it
    for (Optional<String> command :
        List.of(notifyMaster, notifyBackup, notifyFault, notifyStop, notifyGeneric)) {
      command.ifPresent(CommandLine::split);
    }
  }

  /** No scripts: the default, notify scripts are opt-in. */
  public static NotifyScripts none() {
    return new NotifyScripts(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public NotifyScripts withMaster(String command) {
    return new NotifyScripts(
        Optional.of(command), notifyBackup, notifyFault, notifyStop, notifyGeneric);
  }

  public NotifyScripts withBackup(String command) {
    return new NotifyScripts(
        notifyMaster, Optional.of(command), notifyFault, notifyStop, notifyGeneric);
  }

  public NotifyScripts withFault(String command) {
    return new NotifyScripts(
        notifyMaster, notifyBackup, Optional.of(command), notifyStop, notifyGeneric);
  }

  public NotifyScripts withStop(String command) {
    return new NotifyScripts(
        notifyMaster, notifyBackup, notifyFault, Optional.of(command), notifyGeneric);
  }

  /** keepalived's generic {@code notify} script. */
  public NotifyScripts withNotify(String command) {
    return new NotifyScripts(
        notifyMaster, notifyBackup, notifyFault, notifyStop, Optional.of(command));
  }

  public boolean isEmpty() {
    return notifyMaster.isEmpty()
        && notifyBackup.isEmpty()
        && notifyFault.isEmpty()
        && notifyStop.isEmpty()
        && notifyGeneric.isEmpty();
  }

  /**
   * The command lines to run for entering {@code keepalivedState} (MASTER, BACKUP, FAULT or STOP),
   * in order: the specific script, then the generic one with its four extra arguments.
   */
  public List<List<String>> commandsFor(String keepalivedState, String instanceName, int priority) {
    return commandsFor("INSTANCE", keepalivedState, instanceName, priority);
  }

  /**
   * The command lines for a {@code vrrp_sync_group} entering {@code keepalivedState}: keepalived
   * appends {@code GROUP <name> <state> 0} to the generic script (vrrp_notify.c).
   */
  public List<List<String>> groupCommandsFor(String keepalivedState, String groupName) {
    return commandsFor("GROUP", keepalivedState, groupName, 0);
  }

  private List<List<String>> commandsFor(
      String kind, String keepalivedState, String name, int priority) {
    Optional<String> specific =
        switch (keepalivedState) {
          case "MASTER" -> notifyMaster;
          case "BACKUP" -> notifyBackup;
          case "FAULT" -> notifyFault;
          case "STOP" -> notifyStop;
          default -> Optional.empty();
        };
    java.util.ArrayList<List<String>> commands = new java.util.ArrayList<>();
    specific.ifPresent(command -> commands.add(split(command)));
    notifyGeneric.ifPresent(
        command -> {
          java.util.ArrayList<String> generic = new java.util.ArrayList<>(split(command));
          generic.add(kind);
          generic.add(name);
          generic.add(keepalivedState);
          generic.add(Integer.toString(priority));
          commands.add(List.copyOf(generic));
        });
    return List.copyOf(commands);
  }

  private static List<String> split(String command) {
    return CommandLine.split(command);
  }
}
