package org.ha4j.examples.cli;

/** Arguments the command cannot accept; the command line exits with status 2. */
final class UsageException extends Exception {

  UsageException(String message) {
    super(message);
  }
}
