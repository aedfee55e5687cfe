/**
 * The style sheet of the record's pages, after GB/T 9704-2012 (党政机关公文格式): A4 with the
 * standard's margins (天头 37 mm, 订口 28 mm, a type area of 156 mm × 225 mm, so 26 mm and 35 mm
 * remain), body in 3号 仿宋 at 22 lines a page, title in 2号 小标宋, first-level headings in 黑体,
 * second-level in 楷体, the issuer mark and the rule under the number in red, the seal pressed over
 * the issuer's name and the date, the 版记 between rules in 4号, page numbers "— 1 —" in 4号 宋体
 * 7 mm below the type area (where the browser prints page-margin boxes), 28 characters a line. On screen the page shows as
 * a sheet of paper with the same measures. Font sizes are the standard's 号 in points (3号 = 16 pt,
 * 2号 = 22 pt, 4号 = 14 pt); the fonts are the usual Windows, macOS and Noto names of each face, so
 * line breaks approximate the standard's 28 characters a line.
 */

const FANGSONG = `"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "华文仿宋", "Noto Serif CJK SC", "Source Han Serif SC", serif`;
const XIAOBIAOSONG = `"方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "宋体", "SimSun", "Songti SC", "Noto Serif CJK SC", serif`;
const HEITI = `"黑体", "SimHei", "Heiti SC", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif`;
const KAITI = `"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "Kaiti SC", serif`;
const SONGTI = `"宋体", "SimSun", "Songti SC", "STSong", "Noto Serif CJK SC", serif`;

/** One line of the type area: 225 mm / 22 lines. */
const LINE = '10.2mm';
const RED = '#d00';

export const PAGE_STYLE = `
@page {
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
}
@page :left {
  margin-left: 26mm;
  margin-right: 28mm;
  @bottom-left {
    content: "— " counter(page) " —";
    font: 14pt ${SONGTI};
    vertical-align: top;
    padding: 7mm 0 0 1em;
  }
}
@page :right {
  @bottom-right {
    content: "— " counter(page) " —";
    font: 14pt ${SONGTI};
    vertical-align: top;
    padding: 7mm 1em 0 0;
  }
}
html { background: #e8e8e8; }
body {
  margin: 0;
  color: #000;
  font-family: ${FANGSONG};
  font-size: 16pt;
  line-height: ${LINE};
  /* 28 characters a line: 156 mm / 28 is 15.79 pt a character, a 16 pt face less a little spacing. */
  letter-spacing: -0.22pt;
}
.sheet {
  box-sizing: border-box;
  width: 210mm;
  min-height: 297mm;
  margin: 8mm auto;
  padding: 37mm 26mm 35mm 28mm;
  background: #fff;
  box-shadow: 0 0 2mm rgba(0, 0, 0, 0.25);
}
p { margin: 0; text-indent: 2em; text-align: justify; }
.issuer-mark {
  margin: 0;
  text-indent: 0;
  text-align: center;
  color: ${RED};
  font-family: ${XIAOBIAOSONG};
  font-size: 26pt;
  line-height: 1.5;
  letter-spacing: 0.1em;
}
.doc-number { margin-top: calc(2 * ${LINE}); text-indent: 0; text-align: center; }
.red-rule { margin: 4mm 0 0; border: 0; border-top: 0.5mm solid ${RED}; }
h1 {
  margin: calc(2 * ${LINE}) 0 ${LINE};
  text-align: center;
  font-family: ${XIAOBIAOSONG};
  font-size: 22pt;
  font-weight: normal;
  line-height: 1.5;
}
.addressee { text-indent: 0; }
h2 { margin: 0; text-indent: 2em; font-family: ${HEITI}; font-size: 16pt; font-weight: normal; line-height: ${LINE}; }
.kai { font-family: ${KAITI}; }
.signature {
  position: relative;
  width: max-content;
  margin: 22mm 4em 0 auto;
  text-align: center;
}
.signature p { text-indent: 0; text-align: center; white-space: nowrap; }
.seal {
  position: absolute;
  left: 50%;
  top: 0;
  box-sizing: border-box;
  width: 42mm;
  height: 42mm;
  margin: -18mm 0 0 -21mm;
  border: 1.2mm solid ${RED};
  border-radius: 50%;
  mix-blend-mode: multiply;
  pointer-events: none;
}
.seal::before {
  content: "";
  position: absolute;
  left: 13.6mm;
  top: 13.2mm;
  width: 12.4mm;
  height: 12.4mm;
  background: ${RED};
  clip-path: polygon(50% 0%, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%);
}
.note { margin-top: 4mm; }
.colophon {
  margin-top: calc(2 * ${LINE});
  border-top: 0.35mm solid #000;
  border-bottom: 0.35mm solid #000;
  font-size: 14pt;
  line-height: 7mm;
  break-inside: avoid;
}
.colophon p { padding: 0.5mm 1em; text-indent: 0; }
.colophon .copy-to { border-bottom: 0.25mm solid #000; }
.colophon .printed-by { display: flex; justify-content: space-between; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  html { background: none; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
`;
