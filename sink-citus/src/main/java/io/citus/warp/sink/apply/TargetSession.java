package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.catalog.TableCatalog;
import io.citus.warp.common.TableMapping;
import io.citus.warp.sink.catalog.TargetTable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;

/**
 * The sink's one connection to the coordinator, with what belongs to it: prepared statements, the
 * table catalog and the writer. After a transient failure the session is discarded and reopened.
 */
public final class TargetSession implements AutoCloseable {
    private final String url;
    private final Properties properties;
    private final TableMapping mapping;
    private final TableCatalog catalog = new TableCatalog();
    private final Set<TableName> allShardDeletesLogged = RowWriter.newLogOnceSet();

    private Connection connection;
    private StatementCache statements;
    private RowWriter writer;
    private boolean citus;
    /** A schema change ran since the last rollback: a rollback must forget the statements prepared since. */
    private boolean schemaChangedInTransaction;

    public TargetSession(String url, String user, String password, TableMapping mapping) {
        this.url = url;
        this.mapping = mapping;
        this.properties = connectionProperties(user, password);
    }

    /** Connection settings the sink relies on; they override the same settings in the URL. */
    public static Properties connectionProperties(String user, String password) {
        Properties p = new Properties();
        if (user != null && !user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        // Text values of unspecified type: the server parses each with the target column's input function.
        p.setProperty("stringtype", "unspecified");
        // Batches of INSERTs become multi-row INSERTs: one statement per batch through the coordinator.
        p.setProperty("reWriteBatchedInserts", "true");
        p.setProperty("ApplicationName", "citus-warp-sink");
        // A COMMIT the sink acknowledges must survive a target crash: never asynchronous commit for this session.
        p.setProperty("options", "-c synchronous_commit=on");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", "30");
        // No server DETAIL ("Key (email)=(...)", "Failing row contains (...)") and no bound values of a failed batch entry
        // in exception messages: they end up in the worker log and the Connect task trace.
        p.setProperty("logServerErrorDetail", "false");
        return p;
    }

    public Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, properties);
            connection.setAutoCommit(false);
            statements = new StatementCache(connection);
            writer = new RowWriter(connection, statements, allShardDeletesLogged);
            catalog.invalidate();
            citus = catalog.isCitus(connection);
            connection.commit();
        }
        return connection;
    }

    public boolean isCitus() throws SQLException {
        connection();
        return citus;
    }

    RowWriter writer() throws SQLException {
        connection();
        return writer;
    }

    /** Starts a target transaction for streamed changes. */
    void beginStreaming() throws SQLException {
        Connection c = connection();
        if (citus) {
            // Mixing single-shard and all-shard statements in one transaction needs one connection per node.
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'");
            }
        }
    }

    /** The target table receiving {@code event}'s changes; a missing table is a permanent error. */
    public TargetTable table(ChangeEvent event) throws SQLException {
        TableName target = mapping.target(event.table());
        return catalog.find(connection(), target).orElseThrow(() -> new ApplyException(ErrorKind.PERMANENT,
                event.describe() + ": target table " + target + " does not exist. Create it (warp schema copies the "
                        + "source's schema and distributes it), then restart the sink task; it resumes at this transaction.",
                null));
    }

    public TargetTable table(TableName source) throws SQLException {
        TableName target = mapping.target(source);
        return catalog.find(connection(), target).orElseThrow(() -> new ApplyException(ErrorKind.PERMANENT,
                "target table " + target + " (for source table " + source + ") does not exist. Create it (warp schema), "
                        + "then restart the sink task.", null));
    }

    /** A target table by its target name, if it exists. */
    public java.util.Optional<TargetTable> existingTable(TableName target) throws SQLException {
        return catalog.find(connection(), target);
    }

    public void rollbackQuietly() {
        try {
            if (connection != null && !connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            discard();
        }
        // What was read of the catalog inside the transaction (a schema change's result) is gone with it.
        catalog.invalidate();
        if (schemaChangedInTransaction && statements != null) {
            statements.close();
        }
        schemaChangedInTransaction = false;
    }

    /**
     * The open transaction changed target tables' definitions: tables are read from the catalog again, and statements
     * prepared for their old columns are forgotten (a prepared statement whose result type changed fails).
     */
    public void schemaChanged() {
        catalog.invalidate();
        if (statements != null) {
            statements.close();
        }
        schemaChangedInTransaction = true;
    }

    /**
     * Whether the connection to the target is gone. PgJDBC reports some losses (e.g. a backend
     * terminated in the middle of a batch) as runtime exceptions rather than SQLExceptions, so a
     * failure that is not an SQLException is transient exactly when the connection did not survive it.
     */
    public boolean connectionLost() {
        try {
            return connection == null || connection.isClosed() || !connection.isValid(5);
        } catch (SQLException e) {
            return true;
        }
    }

    /** Forgets the connection and everything cached with it (after a failure, or to see catalog changes). */
    public void discard() {
        if (statements != null) {
            statements.close();
        }
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // already broken
        }
        connection = null;
        statements = null;
        writer = null;
        catalog.invalidate();
    }

    @Override
    public void close() {
        discard();
    }
}
