import { createJsonLogger, REDACTED_FIELDS } from '../../src/relay/logger';

describe('relay logger (pino)', () => {
  it('writes one JSON line per entry with level, time, message and fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger((line) => lines.push(line), () => Date.parse('2026-11-23T06:15:00Z'));
    logger.warn('request refused', { path: '/v1/alertmanager', code: 'unauthorized' });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ level: 'warn', time: '2026-11-23T06:15:00.000Z', message: 'request refused', path: '/v1/alertmanager', code: 'unauthorized' });
  });

  it.each(REDACTED_FIELDS)('never writes the value of a %s field', (field) => {
    const lines: string[] = [];
    const logger = createJsonLogger((line) => lines.push(line), Date.now);
    logger.error('oops', { [field]: 'Bearer super-secret-value', kept: 'visible' });
    expect(lines.join('')).not.toContain('super-secret-value');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ [field]: '[redacted]', kept: 'visible' });
  });

  it('drops entries below the configured level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger((line) => lines.push(line), Date.now, 'warn');
    logger.info('chatty');
    logger.error('kept');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['kept']);
  });
});
