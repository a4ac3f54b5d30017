package herald.testing;

/** The databases Herald runs on; integration tests run once per backend. */
public enum Backend { SQLITE, POSTGRES }
