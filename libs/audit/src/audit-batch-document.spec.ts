import { batchDocument } from './audit-batch-document';

describe('batchDocument', () => {
  it('is the rows as JSON', () => {
    const rows = [{ action: 'credential.read', details: { n: 1 } }, { user_id: null }];
    expect(JSON.parse(batchDocument(rows))).toEqual(rows);
  });

  it('writes an unpaired surrogate as U+FFFD, anywhere in a row, and keeps pairs', () => {
    const document = batchDocument([
      { user_id: 'a\ud800b', details: { broker: ['\udfff'] } },
      { user_id: 'smile \ud83d\ude00' },
    ]);
    expect(document).not.toMatch(/\\ud[89a-f]/i);
    expect(JSON.parse(document)).toEqual([
      { user_id: 'a\ufffdb', details: { broker: ['\ufffd'] } },
      { user_id: 'smile \ud83d\ude00' },
    ]);
  });

  it('leaves an escaped backslash followed by "ud800" as the text it is', () => {
    expect(JSON.parse(batchDocument([{ name: '\\ud800' }]))).toEqual([{ name: '\\ud800' }]);
  });
});
