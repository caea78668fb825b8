import { expect } from 'chai';
import { ZRegisterRequest } from '../../shared/src/schemas/auth.js';
import { zodFields } from '../../server/src/http/errors.js';
import { translate } from '../../client/src/i18n/index.js';
import { ApiError } from '../../client/src/lib/api.js';
import { fieldErrorFor, fieldErrorText, localFieldError } from '../../client/src/lib/fieldErrors.js';

const zh = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('zh-CN', key, params);

/** Issue 13 item 9: forms show the server's field errors in the user's language, never its English text. */
describe('field errors in the user’s language', () => {
  it('the sign-up schema’s messages come out in Chinese, with their figures', () => {
    const r = ZRegisterRequest.safeParse({
      org: { name: '', uscc: 'x', district: '1', roles: [] },
      user: { email: 'bad', password: 'short', name: '' },
    });
    const fields = zodFields(r.error!);
    const text = Object.fromEntries(fields.map((f) => [f.path, fieldErrorText(f, zh)]));
    expect(text).to.deep.equal({
      'org.name': '必填',
      'org.uscc': '统一社会信用代码为 18 位（数字和大写字母）',
      'org.district': '请选择绍兴市的区县',
      'org.roles': '至少选择一个角色，每个角色只能选一次',
      'user.email': '邮箱格式不正确',
      'user.password': '至少 10 个字符',
      'user.name': '必填',
    });
  });

  it('an unknown shape gets the field’s own text or a general one; never the English', () => {
    expect(fieldErrorText({ path: 'newPassword', message: 'something odd' }, zh)).to.equal(zh('field.password.hint'));
    expect(fieldErrorText({ path: 'note', message: 'something odd' }, zh)).to.equal('请检查此项');
    expect(fieldErrorText({ path: 'description', message: 'at most 4000 characters' }, zh)).to.equal('最多 4000 个字符');
  });

  it('a form’s own check is shown as written; a server error under a deeper path lands on its field', () => {
    expect(fieldErrorFor(localFieldError('lowFen', '请输入金额'), 'lowFen', zh)).to.equal('请输入金额');
    const server = new ApiError(
      400,
      'VALIDATION_FAILED',
      'invalid',
      { fields: [{ path: 'wasteCodes.0', message: 'required' }] },
      'r1',
    );
    expect(fieldErrorFor(server, 'wasteCodes', zh)).to.equal('必填');
    expect(fieldErrorFor(server, 'kind', zh)).to.equal(undefined);
  });
});
