import {
  type Connection,
  type ConnectionHandler,
  FrameTooLargeError,
  LengthPrefixedDecoder,
  type LengthPrefixedFrame,
  type Logger,
} from '@strata/common';
import type {
  Engine,
  PreparedStatement,
  Session,
  SqlErrorFields,
  SqlValue,
  StatementResult,
} from '../engine/api.js';
import { SqlError } from '../engine/errors.js';
import { type Authenticator, type Credentials, Authenticator as PasswordAuth } from './auth.js';
import {
  Auth,
  authentication,
  backendKeyData,
  errorResponse,
  negotiateProtocolVersion,
  noticeResponse,
  parameterStatus,
  readyForQuery,
} from './backend.js';
import type { BackendKeys } from './backend-keys.js';
import { ExtendedQuery } from './extended.js';
import { decodeString, protocolViolation } from './frontend.js';
import { Inbox } from './inbox.js';
import { sendResult } from './results.js';
import { MAX_STARTUP_PACKET, decodeStartup } from './startup.js';
import type { Wire } from './wire.js';
import { MessageWriter } from './writer.js';

/** What every connection shares: the engine, the limits, the cancel keys. */
export interface ProtocolContext {
  engine: Engine;
  keys: BackendKeys;
  /** Undefined: trust authentication. */
  credentials: Credentials | undefined;
  /** Largest frontend message accepted (--max-message-size). */
  maxMessageSize: number;
  /** 0 = none (--statement-timeout). */
  statementTimeoutMs: number;
  /** A client not authenticated this long after connecting is cut (--authentication-timeout). */
  authenticationTimeoutMs: number;
  /** Takes a session slot; false when --max-connections sessions are open. */
  acquireSlot(): boolean;
  releaseSlot(): void;
  logger: Logger;
}

/** Built output is handed to the socket in pieces of about this size during long results. */
const OUTPUT_CHUNK = 64 * 1024;
/** Unsent output at which a result waits for the client to read. */
const OUTPUT_HIGH_WATER = 1024 * 1024;
/** Queued input at which reading pauses (a client pipelining faster than we execute). */
const INBOX_PAUSE_BYTES = 4 * 1024 * 1024;
const INBOX_PAUSE_MESSAGES = 4096;

/** Largest authentication message (PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH). */
const MAX_AUTH_MESSAGE = 65_535;

/** Thrown into a result being sent when its client has gone. */
class ClientGone extends Error {}

/**
 * One client: startup and authentication, then the message loop that runs simple and extended
 * queries one at a time in arrival order (pipelined messages wait in the inbox).
 */
export class PgConnection implements ConnectionHandler, Wire {
  readonly writer = new MessageWriter();
  private phase: 'startup' | 'auth' | 'ready' | 'done' = 'startup';
  private readonly decoder: LengthPrefixedDecoder;
  private readonly inbox = new Inbox();
  private sessionRef: Session | undefined;
  private extended: ExtendedQuery | undefined;
  private authenticator: Authenticator | undefined;
  private parameters: Record<string, string> = {};
  private processId = 0;
  private hasSlot = false;
  private skipUntilSync = false;
  private busy = false;
  private readPaused = false;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private authTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly context: ProtocolContext,
  ) {
    this.decoder = new LengthPrefixedDecoder({
      typeByte: false,
      lengthIncludesSelf: true,
      maxPayload: context.maxMessageSize,
    });
    if (context.authenticationTimeoutMs > 0) {
      // As PostgreSQL's authentication_timeout: the connection just closes.
      this.authTimer = setTimeout(() => {
        this.phase = 'done';
        this.conn.destroy();
      }, context.authenticationTimeoutMs);
      this.authTimer.unref();
    }
  }

  private get done(): boolean {
    return this.phase === 'done';
  }

  get session(): Session {
    if (!this.sessionRef) throw new Error('no session before authentication');
    return this.sessionRef;
  }

  data(chunk: Buffer): void {
    if (this.phase === 'done') return;
    let frames: LengthPrefixedFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.fatal(framingError(err));
      return;
    }
    for (let i = 0; i < frames.length && !this.done; i++) {
      const frame = frames[i]!;
      if (this.phase === 'ready') {
        this.inbox.push(frame);
        continue;
      }
      const before = this.phase;
      if (before === 'startup') this.startupFrame(frame);
      else this.authFrame(frame);
      // Frames after the startup packet in the same read were framed without a type byte.
      if (before === 'startup' && this.phase !== 'startup' && i < frames.length - 1) {
        this.fatal(protocolViolation('unexpected data after the startup packet'));
      }
    }
    if (this.phase === 'ready' && this.inbox.length > 0) {
      this.beginWork();
      if (this.inbox.bytes > INBOX_PAUSE_BYTES || this.inbox.length > INBOX_PAUSE_MESSAGES) {
        this.readPaused = true;
        this.conn.pauseReading();
      }
    }
    this.flushOutput();
  }

  /**
   * The client sent FIN without Terminate: it is gone (libpq never half-closes). Messages
   * already received still run, then the loop ends; a running statement is cancelled, since
   * nobody will read its result, and a COPY FROM STDIN in progress is aborted.
   */
  end(): void {
    this.inbox.end();
    if (this.busy) this.sessionRef?.cancel();
  }

  close(): void {
    this.phase = 'done';
    this.inbox.close();
    this.stopTimer();
    clearTimeout(this.authTimer);
    if (this.processId !== 0) this.context.keys.unregister(this.processId);
    this.sessionRef?.close();
    if (this.hasSlot) this.context.releaseSlot();
    this.hasSlot = false;
  }

  // --- Wire, for the query handlers ---

  drain(): Promise<void> | undefined {
    if (this.phase === 'done') return Promise.reject(new ClientGone());
    if (this.writer.length < OUTPUT_CHUNK) return undefined;
    this.flushOutput();
    return this.conn.pendingOutput > OUTPUT_HIGH_WATER ? this.conn.waitForDrain() : undefined;
  }

  nextFrame(): LengthPrefixedFrame | null | Promise<LengthPrefixedFrame | null> {
    if (this.readPaused && this.inbox.bytes < INBOX_PAUSE_BYTES / 4) {
      this.readPaused = false;
      this.conn.resumeReading();
    }
    const next = this.inbox.next();
    if (next instanceof Promise) this.flushOutput();
    return next;
  }

  // --- startup and authentication ---

  private startupFrame(frame: LengthPrefixedFrame): void {
    if (frame.payload.length + 4 > MAX_STARTUP_PACKET) {
      this.fatal(protocolViolation('invalid length of startup packet'));
      return;
    }
    let packet: ReturnType<typeof decodeStartup>;
    try {
      packet = decodeStartup(frame.payload);
    } catch (err) {
      this.fatal(err);
      return;
    }
    switch (packet.kind) {
      case 'ssl':
      case 'gssenc':
        // No TLS or GSSAPI encryption: 'N', and the client goes on in plain text.
        this.writer.byte(0x4e);
        return;
      case 'cancel':
        this.context.keys.cancel(packet.processId, packet.secretKey);
        this.phase = 'done';
        this.conn.end();
        return;
      case 'startup':
        break;
    }
    if (packet.minor > 0 || packet.protocolOptions.length > 0) {
      negotiateProtocolVersion(this.writer, 0, packet.protocolOptions);
    }
    if (!this.context.acquireSlot()) {
      this.fatal(new SqlError('53300', 'sorry, too many clients already'));
      return;
    }
    this.hasSlot = true;
    this.parameters = packet.parameters;
    this.decoder.setTypeByte(true);
    const credentials = this.context.credentials;
    if (!credentials) {
      this.beginSession();
      return;
    }
    this.authenticator = new PasswordAuth(credentials, packet.parameters.user!);
    this.authenticator.start(this.writer);
    this.phase = 'auth';
  }

  private authFrame(frame: LengthPrefixedFrame): void {
    if (frame.type !== 0x70 /* p */) {
      this.fatal(protocolViolation(`expected password response, got message type ${frame.type}`));
      return;
    }
    if (frame.payload.length > MAX_AUTH_MESSAGE) {
      this.fatal(protocolViolation('invalid authentication message length'));
      return;
    }
    try {
      if (this.authenticator!.step(frame.payload, this.writer)) this.beginSession();
    } catch (err) {
      this.fatal(err);
    }
  }

  private beginSession(): void {
    const { user, database, application_name, ...rest } = this.parameters;
    try {
      this.sessionRef = this.context.engine.openSession({
        user: user!,
        database: database || user!,
        ...(application_name !== undefined ? { applicationName: application_name } : {}),
        parameters: rest,
        onNotice: (notice) => this.notice(notice),
      });
    } catch (err) {
      this.fatal(err);
      return;
    }
    clearTimeout(this.authTimer);
    authentication(this.writer, Auth.ok);
    const reported = this.sessionRef.reportedParameters();
    for (const name of Object.keys(reported)) parameterStatus(this.writer, name, reported[name]!);
    this.sessionRef.takeChangedParameters();
    const key = this.context.keys.register(this.sessionRef);
    this.processId = key.processId;
    backendKeyData(this.writer, key.processId, key.secretKey);
    readyForQuery(this.writer, 'I');
    this.extended = new ExtendedQuery(this, (statement, params) => this.run(statement, params));
    this.phase = 'ready';
    this.conn.log.debug({ user, database, processId: key.processId }, 'session started');
    void this.loop();
  }

  // --- the message loop ---

  private async loop(): Promise<void> {
    for (;;) {
      let next = this.nextFrame();
      if (next instanceof Promise) {
        this.endWork();
        next = await next;
      }
      if (next === null) {
        this.endWork();
        return;
      }
      this.beginWork();
      try {
        const pending = this.dispatch(next);
        if (pending) await pending;
      } catch (err) {
        this.conn.log.error({ err }, 'message handler failed');
        this.conn.destroy(err as Error);
        return;
      }
    }
  }

  private dispatch(frame: LengthPrefixedFrame): Promise<void> | undefined {
    const type = frame.type;
    if (this.skipUntilSync && type !== 0x53 /* S */ && type !== 0x58 /* X */) return undefined;
    const extended = this.extended!;
    try {
      switch (type) {
        case 0x51 /* Q */:
          return this.simpleQuery(decodeString(frame.payload, 'Query'));
        case 0x50 /* P */:
          extended.parse(frame.payload);
          return undefined;
        case 0x42 /* B */:
          extended.bind(frame.payload);
          return undefined;
        case 0x44 /* D */:
          extended.describe(frame.payload);
          return undefined;
        case 0x45 /* E */:
          return extended.execute(frame.payload).catch((err) => this.extendedError(err));
        case 0x43 /* C */:
          extended.close(frame.payload);
          return undefined;
        case 0x53 /* S */:
          this.skipUntilSync = false;
          extended.sync();
          this.ready();
          return undefined;
        case 0x48 /* H */:
          this.flushOutput();
          return undefined;
        case 0x58 /* X */:
          this.phase = 'done';
          this.inbox.close();
          this.conn.end();
          return undefined;
        // CopyData/CopyDone/CopyFail after a failed COPY: the client is still sending; ignore.
        case 0x64 /* d */:
        case 0x63 /* c */:
        case 0x66 /* f */:
          return undefined;
        case 0x46 /* F */:
          this.sendError(new SqlError('0A000', 'the function call protocol is not supported'));
          this.ready();
          return undefined;
        default:
          this.fatal(protocolViolation(`invalid frontend message type ${type}`));
          return undefined;
      }
    } catch (err) {
      this.extendedError(err);
      return undefined;
    }
  }

  private async simpleQuery(sql: string): Promise<void> {
    this.extended!.dropUnnamedPortal();
    this.startTimer();
    try {
      for await (const result of this.session.simpleQuery(sql)) {
        await sendResult(this, result, { describe: true, resultFormats: [] });
      }
    } catch (err) {
      this.sendError(err);
    } finally {
      this.stopTimer();
    }
    this.ready();
  }

  private async run(statement: PreparedStatement, params: SqlValue[]): Promise<StatementResult> {
    this.startTimer();
    try {
      return await this.session.execute(statement, params);
    } finally {
      this.stopTimer();
    }
  }

  /** ParameterStatus for settings a statement changed, then ReadyForQuery. */
  private ready(): void {
    if (this.phase === 'done') return;
    const changed = this.session.takeChangedParameters();
    if (changed.length > 0) {
      const reported = this.session.reportedParameters();
      for (const name of changed) parameterStatus(this.writer, name, reported[name] ?? '');
    }
    readyForQuery(this.writer, this.session.transactionStatus);
  }

  // --- errors and output ---

  private extendedError(err: unknown): void {
    this.sendError(err);
    this.skipUntilSync = true;
  }

  private sendError(err: unknown): void {
    if (err instanceof ClientGone || this.phase === 'done') return;
    if (err instanceof SqlError && err.fields.severity === 'FATAL') {
      this.fatal(err);
      return;
    }
    errorResponse(this.writer, this.errorFields(err));
  }

  private errorFields(err: unknown): SqlErrorFields {
    if (err instanceof SqlError) {
      if (this.timedOut && err.fields.code === '57014') {
        return { ...err.fields, message: 'canceling statement due to statement timeout' };
      }
      return err.fields;
    }
    // Not an SqlError: a bug. The client learns that much; the log has the stack.
    this.conn.log.error({ err }, 'internal error');
    return {
      severity: 'ERROR',
      code: 'XX000',
      message: `internal error: ${err instanceof Error ? err.message : String(err)}`,
    };
  }

  /** A FATAL ErrorResponse, then the connection closes (PostgreSQL's backend exits). */
  private fatal(err: unknown): void {
    if (this.phase === 'done') return;
    errorResponse(this.writer, { ...this.errorFields(err), severity: 'FATAL' });
    this.flushOutput();
    this.phase = 'done';
    this.inbox.close();
    this.conn.end();
  }

  private notice(notice: SqlErrorFields): void {
    if (this.phase === 'done') return;
    noticeResponse(this.writer, notice);
  }

  private flushOutput(): void {
    if (this.writer.length > 0) this.conn.write(this.writer.take());
  }

  private beginWork(): void {
    if (this.busy) return;
    this.busy = true;
    this.conn.beginWork();
  }

  private endWork(): void {
    this.flushOutput();
    if (!this.busy) return;
    this.busy = false;
    this.conn.endWork();
  }

  private startTimer(): void {
    this.timedOut = false;
    const ms = this.context.statementTimeoutMs;
    if (ms <= 0) return;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.sessionRef?.cancel();
    }, ms);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function framingError(err: unknown): unknown {
  if (err instanceof FrameTooLargeError) {
    return protocolViolation(
      `message of ${err.size} bytes exceeds the maximum message size of ${err.limit} bytes`,
    );
  }
  if (err instanceof Error && 'code' in err) return protocolViolation('invalid message length');
  return err;
}
