// The icon a category names (categories.icon in the seed: elevator, droplet, wrench…). Where antd has no
// fitting glyph we draw a simple one; every icon is decorative (the category's name is always beside it).
import Icon, {
  AccountBookOutlined,
  CarOutlined,
  ClearOutlined,
  FireOutlined,
  QuestionCircleOutlined,
  SafetyOutlined,
  SoundOutlined,
  ToolOutlined,
  BuildOutlined,
} from '@ant-design/icons';
import type { ComponentType, CSSProperties } from 'react';

const svg = (paths: string) =>
  function Glyph() {
    return (
      <svg
        viewBox="0 0 24 24"
        width="1em"
        height="1em"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        <path d={paths} />
      </svg>
    );
  };

const Elevator = svg('M5 3h14v18H5zM12 3v18M8.5 9.5 7 8m1.5 1.5L10 8M15.5 14.5 14 16m1.5-1.5L17 16');
const Droplet = svg('M12 3c3.5 4.2 6 7.5 6 10.5a6 6 0 0 1-12 0C6 10.5 8.5 7.2 12 3z');
const Tree = svg('M12 21v-6M12 3l6 8h-3l4 5H5l4-5H6z');

const ICONS: Record<string, ComponentType<{ style?: CSSProperties }>> = {
  'fire-extinguisher': FireOutlined,
  elevator: (p) => <Icon component={Elevator} {...p} />,
  droplet: (p) => <Icon component={Droplet} {...p} />,
  wrench: ToolOutlined,
  broom: ClearOutlined,
  shield: SafetyOutlined,
  car: CarOutlined,
  tree: (p) => <Icon component={Tree} {...p} />,
  volume: SoundOutlined,
  receipt: AccountBookOutlined,
  hammer: BuildOutlined,
};

export function CategoryIcon({ icon, size = 20 }: { icon: string | null | undefined; size?: number }) {
  const Glyph = (icon && ICONS[icon]) || QuestionCircleOutlined;
  return (
    <span aria-hidden="true" style={{ display: 'inline-flex', fontSize: size, lineHeight: 0 }}>
      <Glyph style={{ fontSize: size }} />
    </span>
  );
}
