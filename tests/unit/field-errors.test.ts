import { expect } from 'chai';
import { ZRegisterRequest } from '../../shared/src/schemas/auth.js';
import { zodFields } from '../../server/src/http/errors.js';
import { zhCN } from '../../client/src/i18n/zh-CN.js';
import { fieldErrorText, fieldProblemFor, type FieldErrorKey } from '../../client/src/lib/fieldErrorText.js';

/** The client's translate() for zh-CN, without React. */
const zh = (key: FieldErrorKey, params?: Record<string, string | number>) =>
  zhCN[key].replace(/\{(\w+)\}/g, (m, name: string) => (params && name in params ? String(params[name]) : m));

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

  it('a server error under a deeper path belongs to its form field', () => {
    const fields = [{ path: 'wasteCodes.0', message: 'required' }];
    expect(fieldProblemFor(fields, 'wasteCodes')).to.deep.equal(fields[0]);
    expect(fieldProblemFor(fields, 'kind')).to.equal(undefined);
  });
});
