/**
 * Subscription criteria and channel checks (https://hl7.org/fhir/R4/subscription-definitions.html#Subscription.criteria,
 * #Subscription.channel.header, #Subscription.end; https://hl7.org/fhir/R4/search.html#return for
 * the result parameters that do not filter).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subscription } from '@medplum/fhirtypes';
import { parseCriteria } from '../../../../server/src/subscriptions/criteria';
import { channelProblem, isMatching, reviewDecision } from '../../../../server/src/subscriptions/lifecycle';
import { createRestHookSender, parseChannelHeaders } from '../../../../server/src/subscriptions/rest-hook-sender';

const senders = { 'rest-hook': createRestHookSender() };
const sub = (extra: Partial<Subscription>): Subscription => ({
  resourceType: 'Subscription',
  status: 'active',
  reason: 'r',
  criteria: 'Observation?status=final',
  channel: { type: 'rest-hook', endpoint: 'https://peer.example/hook' },
  ...extra,
});

describe('parseCriteria', () => {
  it('splits the type and keeps filtering parameters in order, repeats included', () => {
    assert.deepEqual(parseCriteria('Observation?code=http://loinc.org|1-8&date=ge2024&date=lt2025'), {
      resourceType: 'Observation',
      params: [
        ['code', 'http://loinc.org|1-8'],
        ['date', 'ge2024'],
        ['date', 'lt2025'],
      ],
    });
  });

  it('drops result parameters and accepts a bare type or a base URL', () => {
    assert.deepEqual(parseCriteria('DiagnosticReport?_count=5&status=final&_sort=-date'), {
      resourceType: 'DiagnosticReport',
      params: [['status', 'final']],
    });
    assert.deepEqual(parseCriteria('Patient'), { resourceType: 'Patient', params: [] });
    assert.equal(parseCriteria('http://x.org/fhir/Patient?name=a')?.resourceType, 'Patient');
  });

  it('refuses what is not a search string', () => {
    assert.equal(parseCriteria(undefined), undefined);
    assert.equal(parseCriteria('?status=final'), undefined);
    assert.equal(parseCriteria('observation?x=1'), undefined);
  });
});

describe('channel checks and lifecycle', () => {
  it('parses `Name: value` headers and refuses malformed ones', () => {
    assert.deepEqual(parseChannelHeaders(['Authorization: Bearer a:b', 'X-A:1']), [
      ['Authorization', 'Bearer a:b'],
      ['X-A', '1'],
    ]);
    assert.match(String(parseChannelHeaders(['no colon'])), /is not 'Name: value'/);
    assert.match(String(parseChannelHeaders(['Bad Name: x'])), /is not 'Name: value'/);
  });

  it('accepts requested Subscriptions it can serve and refuses the others', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    assert.deepEqual(reviewDecision(sub({ status: 'requested' }), undefined, now), { status: 'active' });
    assert.deepEqual(reviewDecision(sub({ status: 'requested' }), 'bad', now), { status: 'error', error: 'bad' });
    assert.equal(reviewDecision(sub({ status: 'error', error: 'x' }), undefined, now), undefined);
    assert.equal(reviewDecision(sub({ status: 'off' }), 'bad', now), undefined);
    assert.match(
      channelProblem(
        sub({ channel: { type: 'rest-hook', payload: 'application/xml', endpoint: 'http://a' } }),
        senders,
      ) ?? '',
      /payload/,
    );
  });

  it('turns off Subscriptions whose end has passed, and never matches them', () => {
    const now = new Date('2024-06-01T00:00:00Z');
    const ended = sub({ end: '2024-05-31T23:59:59Z' });
    assert.equal(reviewDecision(ended, undefined, now)?.status, 'off');
    assert.equal(isMatching(ended, senders, now), false);
    assert.equal(isMatching(sub({ end: '2024-06-02T00:00:00Z' }), senders, now), true);
    assert.equal(isMatching(sub({ status: 'error' }), senders, now), true);
    assert.equal(isMatching(sub({ status: 'off' }), senders, now), false);
  });
});
