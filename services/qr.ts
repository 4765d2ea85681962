// Printable QR codes for intake (issue 29): a code on the notice board by the lift opens the filing page with the
// compound and building filled in. Made by node-qrcode; the web app reads ?compound=&building= on /new.
import QRCode from 'qrcode';
import sharp from 'sharp';

/** Pixels across the PNG: about 5 cm at 300 dpi, a size that scans from a step away when printed. */
export const QR_PNG_WIDTH = 600;

// M (15% recovery) survives a crease or a little dirt on a printed sheet; the 4-module quiet zone is the standard's.
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4, width: QR_PNG_WIDTH } as const;

/** The filing page for a compound, and a building when one is named: `<public base>/new?compound=…&building=…`. */
export function filingUrl(publicBase: string, compoundCode: string, building: string | null): string {
  const url = new URL(`${publicBase.replace(/\/+$/, '')}/new`);
  url.searchParams.set('compound', compoundCode);
  if (building !== null) url.searchParams.set('building', building);
  return url.toString();
}

export const qrSvg = (url: string): Promise<string> => QRCode.toString(url, { ...OPTIONS, type: 'svg' });

/**
 * The SVG drawn by sharp (libvips, native): node-qrcode's own PNG encoder is pure JavaScript, fast enough in Node but
 * a hundred times slower inside Jest's module sandbox, and the same picture either way.
 */
export const qrPng = async (url: string): Promise<Buffer> =>
  sharp(Buffer.from(await qrSvg(url)))
    .png()
    .toBuffer();
