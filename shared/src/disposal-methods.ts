/**
 * The national codes of utilisation and disposal methods (危险废物利用、处置方式代码), from
 * shared/data/disposal-methods.json (source and verification level there; a unit test keeps the two
 * in step). A manifest records its method as one of these codes; free text is only a note.
 * `class` is what the regulator rollup counts: utilisation, landfill or other disposal.
 */
export const DISPOSAL_METHODS = [
  {
    code: 'R1',
    nameZh: '作为燃料（直接燃烧除外）或以其他方式产生能量',
    nameEn: 'Use as a fuel (other than direct incineration) or other means to generate energy',
    class: 'utilisation',
  },
  {
    code: 'R2',
    nameZh: '溶剂回收/再生（如蒸馏、萃取等）',
    nameEn: 'Solvent reclamation or regeneration (distillation, extraction …)',
    class: 'utilisation',
  },
  {
    code: 'R3',
    nameZh: '再循环/再利用不是用作溶剂的有机物',
    nameEn: 'Recycling or reclamation of organic substances not used as solvents',
    class: 'utilisation',
  },
  {
    code: 'R4',
    nameZh: '再循环/再利用金属和金属化合物',
    nameEn: 'Recycling or reclamation of metals and metal compounds',
    class: 'utilisation',
  },
  {
    code: 'R5',
    nameZh: '再循环/再利用其他无机物',
    nameEn: 'Recycling or reclamation of other inorganic materials',
    class: 'utilisation',
  },
  { code: 'R6', nameZh: '再生酸或碱', nameEn: 'Regeneration of acids or bases', class: 'utilisation' },
  {
    code: 'R7',
    nameZh: '回收污染减除剂的组分',
    nameEn: 'Recovery of components used for pollution abatement',
    class: 'utilisation',
  },
  { code: 'R8', nameZh: '回收催化剂组分', nameEn: 'Recovery of components from catalysts', class: 'utilisation' },
  {
    code: 'R9',
    nameZh: '废油再提炼或其他废油的再利用',
    nameEn: 'Used-oil re-refining or other reuse of used oil',
    class: 'utilisation',
  },
  { code: 'R15', nameZh: '其他', nameEn: 'Other utilisation', class: 'utilisation' },
  { code: 'D1', nameZh: '填埋', nameEn: 'Landfill', class: 'landfill' },
  {
    code: 'D9',
    nameZh: '物理化学处理（如蒸发、干燥、中和、沉淀等），不包括填埋或焚烧前的预处理',
    nameEn:
      'Physico-chemical treatment (evaporation, drying, neutralisation, precipitation …), not pre-treatment before landfill or incineration',
    class: 'disposal',
  },
  { code: 'D10', nameZh: '焚烧', nameEn: 'Incineration', class: 'disposal' },
  { code: 'D16', nameZh: '其他', nameEn: 'Other disposal', class: 'disposal' },
  { code: 'C1', nameZh: '水泥窑协同处置', nameEn: 'Co-processing in cement kilns', class: 'disposal' },
  { code: 'C2', nameZh: '生产建筑材料', nameEn: 'Production of building materials', class: 'utilisation' },
  { code: 'C3', nameZh: '清洗（包装容器）', nameEn: 'Cleaning (of packaging containers)', class: 'utilisation' },
] as const;

export type DisposalMethodCode = (typeof DISPOSAL_METHODS)[number]['code'];
export const DISPOSAL_METHOD_CODES = DISPOSAL_METHODS.map((m) => m.code) as unknown as readonly [
  DisposalMethodCode,
  ...DisposalMethodCode[],
];
export function disposalMethod(code: string | null | undefined): (typeof DISPOSAL_METHODS)[number] | null {
  return DISPOSAL_METHODS.find((m) => m.code === code) ?? null;
}
/** `R4 再循环/再利用金属和金属化合物`: the code first, so the rollup's method classifier reads it. */
export function disposalMethodLabel(code: string): string {
  const m = disposalMethod(code);
  return m ? `${m.code} ${m.nameZh}` : code;
}
