// Decodes a ledger entry (proto ledger.v1.Entry, proto/ledger/v1/entry.proto)
// and the compact.v1.Event it carries (proto/compact/v1), from the exact
// bytes the log stores and hashes, into the shape of the proto3 JSON
// mapping, so a page can show a fact's fields from bytes it has verified.
// Fields this schema does not know are skipped, so newer entries still
// decode. Malformed bytes throw a VerifyError `malformed-entry`.

import { VerifyError } from './errors.js';
import { decodeMessage } from './protowire.js';

const names = (prefix, list) => list.map((n) => `${prefix}_${n}`);

const Classification = names('CLASSIFICATION', ['UNSPECIFIED', 'COUNCIL', 'EXECUTIVE', 'BOARD',
  'STEERING_GROUP', 'WORKING_GROUP', 'PCT', 'VCS_ORGANISATION', 'UNIT', 'GROUP', 'ORGANISATION']);
const SuccessionKind = names('SUCCESSION_KIND', ['UNSPECIFIED', 'RENAMED', 'REPLACED', 'NOT_STATED']);
const Scope = names('SCOPE', ['UNSPECIFIED', 'DISTRICT', 'COUNTY', 'NATIONAL', 'OTHER']);
const DecisionKind = names('DECISION_KIND', ['UNSPECIFIED', 'RECOMMEND', 'APPROVE', 'ENDORSE', 'ADOPT',
  'AGREE', 'REFER_BACK', 'AMEND', 'REJECT', 'NOTE', 'RESOLVE']);
const AnnotationKind = names('ANNOTATION_KIND', ['UNSPECIFIED', 'NOTE', 'CORRECTION', 'CONFLICT']);
const MeetingKind = names('MEETING_KIND', ['UNSPECIFIED', 'CABINET', 'COUNCIL', 'BOARD', 'STEERING_GROUP',
  'WORKING_GROUP', 'PUBLIC_EVENT', 'WORKSHOP', 'COMMITTEE', 'OTHER']);
const ActionKind = names('ACTION_KIND', ['UNSPECIFIED', 'DRAFT_COMPACT', 'SUPPORT_DEVELOPMENT',
  'DESIGNATE_FRAMEWORK', 'TASK_BODY', 'APPROVE_PRINCIPLES', 'ENDORSE_PRINCIPLES', 'ENDORSE_COMPACT',
  'ADOPT_COMPACT', 'SIGN_COMPACT', 'SUPERSEDE_COMPACT', 'REVIEW_COMPACT', 'DISCUSS_COMPACT',
  'DEFINE_COMMITMENTS', 'FOLD_CODES_INTO_COMMITMENTS', 'DRAFT_CODE', 'AGREE_CODE', 'RETIRE_CODE',
  'AGREE_TIMETABLE', 'AGREE_MEDIATION_PROCESS', 'HOLD_MEETING', 'ISSUE_DOCUMENT', 'HOLD_CONSULTATION',
  'OPEN_CONSULTATION', 'HOLD_CONSULTATION_ACTIVITY', 'CLOSE_CONSULTATION', 'MEDIATION_REQUESTED',
  'MEDIATION_ACCEPTED', 'MEDIATOR_APPOINTED', 'MEDIATION_MEETING_HELD', 'MEDIATION_RESOLVED',
  'MEDIATION_ESCALATED', 'MEDIATION_WITHDRAWN']);

const Date = { 1: ['asWritten', 'string'], 2: ['edtf', 'string'], 3: ['earliest', 'string'],
  4: ['latest', 'string'], 5: ['uncertain', 'bool'], 6: ['approximate', 'bool'] };
const Citation = { 1: ['sourceId', 'string'], 2: ['locator', 'string'], 3: ['quote', 'string'] };
const Party = { 1: ['bodyId', 'string'], 2: ['onBehalfOf', 'string'] };
const Meeting = { 1: ['bodyId', 'string'], 2: ['date', Date], 3: ['kind', MeetingKind],
  4: ['reference', 'string'], 5: ['description', 'string'] };
const EventRef = { 1: ['sequence', 'uint64', 'optional'], 2: ['ref', 'string'] };
const Commitment = { 1: ['title', 'string'], 2: ['codeIds', 'string', 'repeated'] };
const Consultation = { 1: ['consultationId', 'string'], 2: ['plannedPeriod', Date], 3: ['duration', 'string'],
  4: ['activity', 'string'], 5: ['outcome', 'string'] };
const Mediation = { 1: ['caseId', 'string'], 2: ['requestedBy', 'string'], 3: ['against', 'string'],
  4: ['issue', 'string'], 5: ['mediatorBodyId', 'string'], 6: ['mediatorName', 'string'], 7: ['outcome', 'string'] };
const Action = { 1: ['kind', ActionKind], 2: ['compactId', 'string'], 3: ['otherCompactId', 'string'],
  4: ['bodyIds', 'string', 'repeated'], 5: ['codeIds', 'string', 'repeated'], 6: ['items', 'string', 'repeated'],
  7: ['commitments', Commitment, 'repeated'], 8: ['condition', 'string'], 9: ['versionLabel', 'string'],
  10: ['consultation', Consultation], 11: ['mediation', Mediation], 12: ['description', 'string'],
  13: ['documentTitle', 'string'] };

export const EVENT_SCHEMA = {
  1: ['date', Date],
  2: ['citations', Citation, 'repeated'],
  3: ['actor', Party],
  4: ['meeting', Meeting],
  5: ['note', 'string'],
  6: ['inferred', 'bool'],
  7: ['ref', 'string'],
  10: ['sourceRegistered', { 1: ['sourceId', 'string'], 2: ['title', 'string'], 3: ['date', Date],
    4: ['sha256', 'string'], 5: ['uri', 'string'], 6: ['issuedBy', 'string'] }],
  11: ['bodyRegistered', { 1: ['bodyId', 'string'], 2: ['name', 'string'], 3: ['shortName', 'string'],
    4: ['classification', Classification], 5: ['parentId', 'string'] }],
  12: ['membershipRecorded', { 1: ['memberId', 'string'], 2: ['organizationId', 'string'],
    3: ['onBehalfOf', 'string'], 4: ['label', 'string'] }],
  13: ['bodySucceeded', { 1: ['predecessorId', 'string'], 2: ['successorId', 'string'], 3: ['kind', SuccessionKind] }],
  14: ['compactRegistered', { 1: ['compactId', 'string'], 2: ['title', 'string'],
    3: ['alsoKnownAs', 'string', 'repeated'], 4: ['versionLabel', 'string'], 5: ['scope', Scope],
    6: ['area', 'string'], 7: ['partyIds', 'string', 'repeated'] }],
  15: ['codeRegistered', { 1: ['codeId', 'string'], 2: ['compactId', 'string'], 3: ['title', 'string'],
    4: ['alsoKnownAs', 'string', 'repeated'] }],
  20: ['proposal', { 1: ['addressedTo', 'string'], 2: ['requested', DecisionKind], 3: ['recommendTo', 'string'],
    4: ['action', Action] }],
  21: ['decision', { 1: ['kind', DecisionKind], 2: ['action', Action], 3: ['recommendedTo', 'string'],
    4: ['respondsTo', EventRef], 5: ['amendment', 'string'] }],
  22: ['plan', { 1: ['action', Action], 2: ['due', Date] }],
  23: ['occurrence', { 1: ['action', Action] }],
  30: ['annotation', { 1: ['kind', AnnotationKind], 2: ['target', EventRef], 3: ['related', EventRef, 'repeated'],
    4: ['text', 'string'], 5: ['date', Date], 6: ['retracts', 'bool'], 7: ['targetStream', 'string'] }],
};

export const EVENT_TYPE_URL = 'type.googleapis.com/compact.v1.Event';

// google.protobuf.Timestamp as RFC 3339 in UTC, with 0, 3, 6 or 9
// fractional digits as the JSON mapping writes it.
const Timestamp = {
  decode(bytes, where) {
    const t = decodeMessage(bytes, { 1: ['seconds', 'int64'], 2: ['nanos', 'int32'] }, where);
    const seconds = Number(t.seconds || '0');
    const nanos = t.nanos || 0;
    if (!Number.isSafeInteger(seconds) || nanos < 0 || nanos > 999999999) {
      throw new VerifyError('malformed-entry', `timestamp ${t.seconds}s ${nanos}ns is out of range`, where);
    }
    const day = new globalThis.Date(seconds * 1000).toISOString().slice(0, 19);
    let frac = '';
    if (nanos !== 0) {
      const digits = String(nanos).padStart(9, '0');
      frac = `.${nanos % 1000000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits}`;
    }
    return `${day}${frac}Z`;
  },
};

// google.protobuf.Any holding a compact.v1.Event (decoded with
// `eventSchema`) or anything else (kept as base64 `value`).
function anyOf(eventSchema) {
  return {
    decode(bytes, where) {
      const any = decodeMessage(bytes, { 1: ['typeUrl', 'string'], 2: ['value', { decode: (b) => b }] }, where);
      const value = any.value || new Uint8Array(0);
      if (any.typeUrl === EVENT_TYPE_URL) return { '@type': any.typeUrl, ...decodeMessage(value, eventSchema, where) };
      let b64 = '';
      for (const c of value) b64 += String.fromCharCode(c);
      return { '@type': any.typeUrl || '', value: btoa(b64) };
    },
  };
}

// The schema of ledger.v1.Entry with its payload decoded by `eventSchema`
// (e.g. one built from the descriptors the ledger published, schema.js).
export function entrySchema(eventSchema) {
  return {
    1: ['sequence', 'uint64'],
    2: ['previousHash', 'bytes'],
    3: ['recordedAt', Timestamp],
    4: ['stream', 'string'],
    5: ['streamVersion', 'uint64'],
    6: ['requestId', 'string'],
    7: ['actor', 'string'],
    8: ['payload', anyOf(eventSchema)],
  };
}

export const ENTRY_SCHEMA = entrySchema(EVENT_SCHEMA);

// Decodes an entry's stored bytes. `where` names it in errors (e.g.
// "entry 12"); `schema` is ENTRY_SCHEMA or one from entrySchema.
export function decodeEntry(bytes, where = 'entry', schema = ENTRY_SCHEMA) {
  if (!(bytes instanceof Uint8Array)) throw new VerifyError('malformed-entry', 'the entry is not bytes', where);
  return decodeMessage(bytes, schema, where);
}

// The kind of fact an event records, in words a page can show.
export function factKind(event) {
  for (const k of ['proposal', 'decision', 'plan', 'occurrence', 'annotation', 'sourceRegistered',
    'bodyRegistered', 'membershipRecorded', 'bodySucceeded', 'compactRegistered', 'codeRegistered']) {
    if (event && k in event) return k;
  }
  return 'unknown';
}
