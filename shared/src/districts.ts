/** Shaoxing's districts (DESIGN §6.5), from shared/data/districts.json. Validate against this list. */
export const CITY_CODE = '3306';

export const DISTRICTS = [
  { code: '330602', nameZh: '越城区', nameEn: 'Yuecheng District' },
  { code: '330603', nameZh: '柯桥区', nameEn: 'Keqiao District' },
  { code: '330604', nameZh: '上虞区', nameEn: 'Shangyu District' },
  { code: '330624', nameZh: '新昌县', nameEn: 'Xinchang County' },
  { code: '330681', nameZh: '诸暨市', nameEn: 'Zhuji City' },
  { code: '330683', nameZh: '嵊州市', nameEn: 'Shengzhou City' },
  { code: '3306BH', nameZh: '滨海新城', nameEn: 'Binhai New City (functional zone; platform code)' },
] as const;

export type DistrictCode = (typeof DISTRICTS)[number]['code'];
export const DISTRICT_CODES = DISTRICTS.map((d) => d.code) as unknown as readonly [DistrictCode, ...DistrictCode[]];
export function isDistrictCode(code: string): code is DistrictCode {
  return (DISTRICT_CODES as readonly string[]).includes(code);
}
