import { describe, expect, it } from 'vitest';
import { loggableUrl } from './loggableUrl.js';

describe('loggableUrl', () => {
  it('O4 keeps the path, every parameter name and only the board_id, seq and epoch values', () => {
    expect(
      loggableUrl('/ws/connect?board_id=b1&token=s3cr3t&seq=4&epoch=e1&access_token=x%20y&jwt'),
    ).toBe(
      '/ws/connect?board_id=b1&token=[redacted]&seq=4&epoch=e1&access_token=[redacted]&jwt=[redacted]',
    );
    expect(loggableUrl('/health')).toBe('/health');
  });

  it('O4 a secret in a parameter whose name is percent-encoded is still redacted', () => {
    const line = loggableUrl('/ws?api%5Fkey=hunter2&board_id=%3Cb%3E');
    expect(line).not.toContain('hunter2');
    expect(line).toBe('/ws?api_key=[redacted]&board_id=%3Cb%3E');
  });
});
