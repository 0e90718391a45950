package io.offsite.replication.run;

/** A row PostgreSQL refused: its table, its key ({@code id=set3-17}) and PostgreSQL's reason. */
public record RowFailure(String table, String key, String reason) {

    @Override
    public String toString() {
        return table + " " + key + ": " + reason;
    }
}
