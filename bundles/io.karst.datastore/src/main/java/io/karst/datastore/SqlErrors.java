package io.karst.datastore;

import java.sql.SQLException;

/** Error text for operators: pools wrap the reason a database is unreachable, so the innermost cause is added. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** The exception's message, followed by its innermost cause's when that says something else. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (e instanceof SQLException sql && sql.getNextException() != null && root == e) {
            root = sql.getNextException();
        }
        String message = String.valueOf(e.getMessage());
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            return message + " (" + root.getMessage() + ")";
        }
        return message;
    }
}
