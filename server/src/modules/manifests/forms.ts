/**
 * Words on the manifest form: the default emergency measures the shipper fills in (危险废物转移管理办法:
 * the shipper states the emergency measures) and Chinese labels for the codes the API uses. The
 * shipper may replace the default with its own text when it opens a trip.
 */

export const CHARACTERISTIC_ZH: Record<string, string> = { T: '毒性', C: '腐蚀性', I: '易燃性', R: '反应性', In: '感染性' };
export const FORM_ZH: Record<string, string> = { solid: '固态', semi_solid: '半固态', liquid: '液态', gas: '气态' };
export const PACKAGING_ZH: Record<string, string> = {
  bulk: '散装',
  bag: '袋装',
  ton_bag: '吨袋',
  drum: '桶装',
  ibc: 'IBC吨桶',
  tank: '罐装',
  box: '箱装',
  other: '其他',
};
export const STATUS_ZH: Record<string, string> = {
  draft: '草稿',
  issued: '已签发',
  loaded: '已装车',
  in_transit: '运输中',
  arrived: '已到达',
  received: '已接收',
  rejected: '已拒收',
  closed: '已办结',
  cancelled: '已作废',
};
export const EVENT_ZH: Record<string, string> = {
  open: '创建联单',
  issue: '签发',
  load: '装车',
  depart: '发车',
  arrive: '到达',
  receive: '接收',
  report_disposal: '利用处置报告',
  cancel: '作废（草稿）',
  supplement: '补充联单信息',
  resolve: '争议处理',
  document: '附件',
};
export const DECISION_ZH: Record<string, string> = { accept: '接收', partial: '部分接收', reject: '拒收' };

/** Emergency measures from the declared characteristics and form; general waste gets the basic set. */
export function defaultEmergencyMeasures(o: {
  hazardous: boolean;
  characteristics: readonly string[];
  form: string | null;
}): string {
  const parts: string[] = [];
  if (!o.hazardous) {
    parts.push('运输途中遮盖防撒漏；发生撒漏时停车设置警示，及时清扫收集，防止进入水体和雨水管网。');
  } else {
    parts.push('发生泄漏、撒漏或事故时立即停车，设置警戒区，疏散无关人员，严禁烟火；');
    if (o.characteristics.includes('T'))
      parts.push('毒性：穿戴防尘/防毒口罩、防护服和手套收集散落物，装入完好容器，防止扬散和进入水体；');
    if (o.characteristics.includes('C'))
      parts.push('腐蚀性：穿戴耐酸碱防护用品，用惰性材料吸附或中和后收集，避免接触皮肤和眼睛；');
    if (o.characteristics.includes('I')) parts.push('易燃性：切断火源，使用干粉或砂土灭火，禁止用水直接冲击；');
    if (o.characteristics.includes('R')) parts.push('反应性：避免与水、酸、氧化剂接触，隔离存放，远离热源；');
    if (o.characteristics.includes('In')) parts.push('感染性：消毒处理污染区域，人员避免直接接触；');
    if (o.form === 'liquid' || o.form === 'semi_solid')
      parts.push('液态/半固态：用围堰或吸附材料围堵，防止流入雨水管网和地表水；');
    parts.push('立即报告移出人、接受人和事发地生态环境部门（12369），需要时拨打119/120。');
  }
  return parts.join('');
}
