package org.ha4j.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the brace-block syntax that keepalived.conf and nginx.conf share into {@link ConfigStatement}s,
 * leaving the meaning of each keyword to the loader of that file.
 *
 * <p>The two dialects differ in what ends a statement: nginx ends it with {@code ;}, keepalived with the
 * end of the line. Both use {@code #} comments (keepalived also {@code !}), quoted strings and
 * {@code { }} blocks. Files are read as UTF-8, since the reference deployment's comments are Chinese.
 * Quoted strings keep their content verbatim except for nginx's backslash escapes.
 */
public final class BlockConfigParser {

    /** Which tool's rules to follow. */
    public enum Dialect {
        /** Statements end at a newline; {@code #} and {@code !} start comments; {@code "..."} quotes. */
        KEEPALIVED,
        /** Statements end with {@code ;}; {@code #} starts comments; {@code "..."} and {@code '...'} quote. */
        NGINX
    }

    private final Dialect dialect;
    private final String fileName;
    private final String text;
    private int position;
    private int line = 1;

    private BlockConfigParser(Dialect dialect, String fileName, String text) {
        this.dialect = dialect;
        this.fileName = fileName;
        this.text = text;
    }

    /** Parses a file; its name as given appears in every location. */
    public static List<ConfigStatement> parse(Path file, Dialect dialect) throws IOException, ConfigException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        return parse(file.toString(), content, dialect);
    }

    /** Parses text; {@code fileName} labels the locations. */
    public static List<ConfigStatement> parse(String fileName, String text, Dialect dialect) throws ConfigException {
        BlockConfigParser parser = new BlockConfigParser(dialect, fileName, text.startsWith("\uFEFF") ? text.substring(1) : text);
        List<ConfigStatement> statements = parser.statements(null);
        return statements;
    }

    /** Reads statements until end of input (top level) or the closing brace of {@code opener}. */
    private List<ConfigStatement> statements(ConfigLocation opener) throws ConfigException {
        List<ConfigStatement> statements = new ArrayList<>();
        while (true) {
            Token token = next();
            switch (token.kind) {
                case END -> {
                    if (opener != null) {
                        throw syntax(opener, "block opened here is never closed with '}'");
                    }
                    return statements;
                }
                case CLOSE -> {
                    if (opener == null) {
                        throw syntax(token.location, "unexpected '}' with no block open");
                    }
                    return statements;
                }
                case NEWLINE, SEMICOLON -> {
                    // empty statement
                }
                case OPEN -> throw syntax(token.location, "'{' without a keyword before it");
                case WORD -> statements.add(statement(token));
                default -> throw new AssertionError(token.kind);
            }
        }
    }

    private ConfigStatement statement(Token keyword) throws ConfigException {
        List<String> args = new ArrayList<>();
        while (true) {
            Token token = next();
            switch (token.kind) {
                case WORD -> args.add(token.text);
                case OPEN -> {
                    List<ConfigStatement> block = statements(token.location);
                    return new ConfigStatement(keyword.text, args, block, true, keyword.location);
                }
                case SEMICOLON -> {
                    if (dialect == Dialect.KEEPALIVED) {
                        args.add(";");
                        continue;
                    }
                    return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
                }
                case NEWLINE -> {
                    if (dialect == Dialect.KEEPALIVED) {
                        return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
                    }
                    // nginx statements may span lines
                }
                case CLOSE -> {
                    if (dialect == Dialect.KEEPALIVED) {
                        // keepalived allows "virtual_ipaddress { 10.0.0.1 }" on one line
                        position--;
                        return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
                    }
                    throw syntax(token.location, "'" + keyword.text + "' is missing its terminating ';'");
                }
                case END -> {
                    if (dialect == Dialect.KEEPALIVED) {
                        return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
                    }
                    throw syntax(keyword.location, "'" + keyword.text + "' is missing its terminating ';'");
                }
                default -> throw new AssertionError(token.kind);
            }
        }
    }

    private enum Kind { WORD, OPEN, CLOSE, SEMICOLON, NEWLINE, END }

    private record Token(Kind kind, String text, ConfigLocation location) {
    }

    private Token next() throws ConfigException {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\n') {
                Token token = new Token(Kind.NEWLINE, "\n", here());
                position++;
                line++;
                return token;
            }
            if (Character.isWhitespace(c)) {
                position++;
            } else if (c == '#' || (c == '!' && dialect == Dialect.KEEPALIVED)) {
                while (position < text.length() && text.charAt(position) != '\n') {
                    position++;
                }
            } else {
                break;
            }
        }
        if (position >= text.length()) {
            return new Token(Kind.END, "", here());
        }
        ConfigLocation at = here();
        char c = text.charAt(position);
        switch (c) {
            case '{':
                position++;
                return new Token(Kind.OPEN, "{", at);
            case '}':
                position++;
                return new Token(Kind.CLOSE, "}", at);
            case ';':
                position++;
                return new Token(Kind.SEMICOLON, ";", at);
            case '"':
                return new Token(Kind.WORD, quoted('"', at), at);
            case '\'':
                if (dialect == Dialect.NGINX) {
                    return new Token(Kind.WORD, quoted('\'', at), at);
                }
                break;
            default:
                break;
        }
        int start = position;
        while (position < text.length()) {
            char d = text.charAt(position);
            if (Character.isWhitespace(d) || d == '{' || d == '}' || d == ';'
                    || (d == '#' && dialect == Dialect.KEEPALIVED)) {
                break;
            }
            position++;
        }
        return new Token(Kind.WORD, text.substring(start, position), at);
    }

    private String quoted(char quote, ConfigLocation at) throws ConfigException {
        StringBuilder value = new StringBuilder();
        position++;
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == quote) {
                return value.toString();
            }
            if (c == '\n') {
                line++;
            }
            if (c == '\\' && dialect == Dialect.NGINX && position < text.length()) {
                char escaped = text.charAt(position++);
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    default -> value.append(escaped);
                }
                continue;
            }
            value.append(c);
        }
        throw syntax(at, "unterminated quoted string (missing closing " + quote + ")");
    }

    private ConfigLocation here() {
        return new ConfigLocation(fileName, line);
    }

    private static ConfigException syntax(ConfigLocation at, String message) {
        return new ConfigException(new ConfigProblem(ConfigProblem.Severity.ERROR, at, "", message));
    }
}
