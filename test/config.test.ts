/** The configuration schema: defaults, overrides and errors that name the variable. */
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, parseDuration } from '../platform/config';

describe('configuration', () => {
  test('when nothing is set, npm start gets the documented defaults and real time', () => {
    const config = loadConfig({}, 'embedded');
    expect(config).toMatchObject({
      port: 3000,
      temporal: { namespace: 'default', taskQueue: 'legality-review' },
      timeModel: {},
    });
    expect(config.policy.reviewWorkingDays).toBe(15);
  });

  test('when WORKING_DAY_DURATION is set, one working day lasts that long', () => {
    expect(loadConfig({ WORKING_DAY_DURATION: '2s' }, 'embedded').timeModel).toEqual({ workingDayMs: 2000 });
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('soon')).toBeUndefined();
  });

  test('when SIMULATED_DATE is set, time is simulated from that date, compressed by WORKING_DAY_DURATION, from start-up or SIMULATED_SINCE', () => {
    const now = new Date('2026-12-06T01:00:00Z');
    const config = loadConfig({ SIMULATED_DATE: '2027-02-01', WORKING_DAY_DURATION: '2s' }, 'embedded', now);
    expect(config.timeModel).toEqual({
      simulated: { since: '2026-12-06T01:00:00.000Z', date: '2027-02-01', dayMs: 2000 },
    });
    expect(config.calendarWarnings).toEqual([
      expect.stringMatching(/time is simulated: 2027-02-01 .*SIMULATED_SINCE=2026-12-06T01:00:00.000Z/),
      expect.stringMatching(/2027 working-day calendar is provisional/),
      expect.stringMatching(/no data for 2028/),
    ]);
    const since = { SIMULATED_DATE: '2026-03-02', SIMULATED_SINCE: '2026-12-01T00:00:00Z' };
    expect(loadConfig(since, 'embedded', now).timeModel).toEqual({
      simulated: { since: '2026-12-01T00:00:00.000Z', date: '2026-03-02', dayMs: 86_400_000 },
    });
  });

  test('when the simulated clock is misconfigured, start-up stops with an error naming the variable', () => {
    expect(() => loadConfig({ SIMULATED_DATE: '2027-02-30' }, 'embedded')).toThrow(
      /SIMULATED_DATE: must be a calendar date/,
    );
    expect(() => loadConfig({ SIMULATED_DATE: '8 Feb' }, 'embedded')).toThrow(/SIMULATED_DATE/);
    expect(() => loadConfig({ SIMULATED_DATE: '2027-02-08', WORKING_DAY_DURATION: '7s' }, 'embedded')).toThrow(
      /WORKING_DAY_DURATION: with SIMULATED_DATE it must be at least 100ms and divide a day evenly/,
    );
    expect(() => loadConfig({ SIMULATED_DATE: '2027-02-08', WORKING_DAY_DURATION: '10ms' }, 'embedded')).toThrow(
      /WORKING_DAY_DURATION: with SIMULATED_DATE it must be at least 100ms/,
    );
    expect(() => loadConfig({ SIMULATED_DATE: '2030-01-07', WORKING_DAY_DURATION: '2s' }, 'embedded')).toThrow(
      /SIMULATED_DATE 2030-01-07: .*no data for 2030/,
    );
    expect(() => loadConfig({ SIMULATED_SINCE: '2026-12-01T00:00:00Z' }, 'embedded')).toThrow(
      /SIMULATED_SINCE: only with SIMULATED_DATE/,
    );
    expect(() => loadConfig({ SIMULATED_DATE: '2027-02-08', SIMULATED_SINCE: 'yesterday' }, 'embedded')).toThrow(
      /SIMULATED_SINCE: must be an instant/,
    );
  });

  test('when a value is bad, the error names the variable', () => {
    expect(() => loadConfig({ PORT: 'http' }, 'embedded')).toThrow(/PORT/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' }, 'embedded')).toThrow(
      /AUTH_JWT_SECRET: must be at least 32 bytes/,
    );
    expect(() => loadConfig({ WORKING_DAY_DURATION: 'fast' }, 'embedded')).toThrow(ConfigError);
  });

  test('when REVIEW_OFFICES gives an office a telephone, the record has it; by default no office has one', () => {
    expect(Object.values(loadConfig({}, 'embedded').offices).map((o) => o.phone)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const offices = {
      beijing: { name: '北京市司法局', abbreviation: '京', phone: '010-00000000' },
      tianjin: { name: '天津市司法局', abbreviation: '津' },
      hebei: { name: '河北省司法厅', abbreviation: '冀' },
    };
    expect(loadConfig({ REVIEW_OFFICES: JSON.stringify(offices) }, 'embedded').offices).toEqual(offices);
    const blank = { ...offices, tianjin: { ...offices.tianjin, phone: '' } };
    expect(() => loadConfig({ REVIEW_OFFICES: JSON.stringify(blank) }, 'embedded')).toThrow(/REVIEW_OFFICES/);
  });

  test('when the API runs as a component, the servers and a real secret are required', () => {
    expect(() => loadConfig({}, 'component')).toThrow(
      /TEMPORAL_ADDRESS: required[\s\S]*MONGODB_URI: required[\s\S]*AUTH_JWT_SECRET: required[\s\S]*REQUEST_SIGNING_KEYS: required[\s\S]*TEMPORAL_PAYLOAD_KEYS: required/,
    );
    const servers = {
      TEMPORAL_ADDRESS: 'localhost:7233',
      MONGODB_URI: 'mongodb://localhost',
      TEMPORAL_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    expect(() => loadConfig(servers, 'worker')).toThrow(/REQUEST_SIGNING_KEYS: required/);
    expect(() => loadConfig({ ...servers, REQUEST_SIGNING_KEYS: `k1:${'s'.repeat(32)}` }, 'worker')).not.toThrow();
    expect(() => loadConfig({ ...servers, REQUEST_SIGNING_KEYS: 'k1:short' }, 'worker')).toThrow(
      /REQUEST_SIGNING_KEYS: key k1 must be at least 32 bytes/,
    );
    expect(() => loadConfig({ ...servers, TEMPORAL_PAYLOAD_KEYS: 'k1:c2hvcnQ=' }, 'worker')).toThrow(
      /TEMPORAL_PAYLOAD_KEYS: key k1 must be 32 bytes/,
    );
  });

  test('when TLS to Temporal is configured, a certificate needs its key, and nothing set means plaintext', () => {
    expect(loadConfig({}, 'embedded').temporal.tls).toBeUndefined();
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/etc/review/client.crt' }, 'embedded')).toThrow(
      /TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: set both/,
    );
    expect(
      loadConfig(
        { TEMPORAL_TLS_CERT: '/c.crt', TEMPORAL_TLS_KEY: '/c.key', TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' },
        'embedded',
      ).temporal.tls,
    ).toEqual({ certPath: '/c.crt', keyPath: '/c.key', serverName: 'temporal.internal' });
    expect(loadConfig({ TEMPORAL_TLS_CA: '/ca.crt' }, 'embedded').temporal.tls).toEqual({ caPath: '/ca.crt' });
  });

  test('when the current year has no working-day calendar, start-up stops with an error naming the year', () => {
    const in2028 = new Date('2028-03-01T01:00:00Z');
    expect(() => loadConfig({}, 'embedded', in2028)).toThrow(/working-day calendar: .*no data for 2028/);
    // compressed time does not use the calendar
    expect(loadConfig({ WORKING_DAY_DURATION: '1s' }, 'embedded', in2028).calendarWarnings).toEqual([]);
    expect(loadConfig({}, 'embedded', new Date('2026-06-01T01:00:00Z')).calendarWarnings).toEqual([
      expect.stringMatching(/2027 working-day calendar is provisional/),
    ]);
  });

  test('when npm start would listen beyond loopback with the development secret, it refuses; the API listens on loopback by default', () => {
    expect(loadConfig({}, 'embedded').host).toBe('127.0.0.1');
    expect(() => loadConfig({ HOST: '0.0.0.0' }, 'embedded')).toThrow(
      /HOST: 0.0.0.0 is reachable[\s\S]*AUTH_JWT_SECRET/,
    );
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_JWT_SECRET: 's'.repeat(32) }, 'embedded').host).toBe('0.0.0.0');
  });

  test('when the published development secret is set explicitly, it is refused on any address beyond loopback, in every mode', () => {
    const component = {
      TEMPORAL_ADDRESS: 'localhost:7233',
      MONGODB_URI: 'mongodb://localhost',
      REQUEST_SIGNING_KEYS: `k1:${'s'.repeat(32)}`,
      TEMPORAL_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
    };
    for (const HOST of ['0.0.0.0', '::', '192.168.1.20', 'api.example.org']) {
      expect(() => loadConfig({ AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET, HOST }, 'embedded')).toThrow(
        new RegExp(`HOST: ${HOST.replace(/\./g, '\\.')} is reachable[\\s\\S]*AUTH_JWT_SECRET`),
      );
      expect(() => loadConfig({ ...component, HOST }, 'component')).toThrow(/is reachable from other machines/);
    }
    // npm run api listens on every interface unless told otherwise: with the development secret it does not start.
    expect(() => loadConfig(component, 'component')).toThrow(/HOST: 0\.0\.0\.0 is reachable/);
    for (const HOST of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(loadConfig({ ...component, HOST }, 'component').auth.secret).toBe(DEVELOPMENT_JWT_SECRET);
    }
  });

  test('the codec credential and the upload budget are read from the environment, and a short credential is refused', () => {
    expect(loadConfig({}, 'embedded')).toMatchObject({ uploadTimeoutMs: 120_000 });
    expect(loadConfig({}, 'embedded').codecAuthToken).toBeUndefined();
    const token = 'c'.repeat(32);
    expect(loadConfig({ CODEC_AUTH_TOKEN: token, UPLOAD_TIMEOUT: '2s' }, 'embedded')).toMatchObject({
      codecAuthToken: token,
      uploadTimeoutMs: 2000,
    });
    expect(() => loadConfig({ CODEC_AUTH_TOKEN: 'short' }, 'embedded')).toThrow(
      /CODEC_AUTH_TOKEN: must be at least 32 bytes/,
    );
  });
});
