# Generates test/dsl/edit/corpus/*.yaml: flows with comments everywhere (kept in git; run once).
import os, random
OUT = os.path.dirname(os.path.abspath(__file__))
counter = [0]
def c(text):
    counter[0] += 1
    return f"# c{counter[0]}: {text}"

class Gen:
    def __init__(self, rnd, ind, dash_indented):
        self.r = rnd; self.ind = ind; self.dash = dash_indented; self.ids = 0
    def nid(self):
        self.ids += 1; return f"step-{self.ids}"
    def sp(self, n): return ' ' * n
    def maybe(self, p): return self.r.random() < p
    # a step as lines, its dash at column 0; the body's keys at column 2
    def leaf(self):
        I = self.ind
        k = self.r.choice(['email', 'wait', 'setvar', 'sms', 'push', 'list', 'event', 'webhook', 'until'])
        tail = f"  {c('beside a step')}" if self.maybe(0.25) else ''
        idl = [f"  id: {self.nid()}"] if self.maybe(0.5) else []
        if k == 'wait':
            return [f"- wait: {self.r.choice(['1d', '2h', '3d', '30m'])}{tail}"] + idl
        if k == 'setvar':
            return [f"- set_var: {{ destination: customerio, vars: {{ stage: {self.r.choice(['a', 'b', 'started'])} }} }}{tail}"] + idl
        if k == 'list':
            return [f"- add_to_list: {{ destination: sailthru, list: {self.r.choice(['new-users', 'vip', 'engaged'])} }}{tail}"] + idl
        if k == 'email':
            q = self.r.choice(['"', "'", ''])
            body = [f"- send_email:{tail}", f"  {' ' * I}destination: sailthru", f"  {' ' * I}template: {q}welcome-{self.r.randint(1, 9)}{q}"]
            if self.maybe(0.5):
                body += [f"  {' ' * I}vars:", f"  {' ' * (2 * I)}first_name: \"{{{{ profile.attributes.FirstName | default: 'there' }}}}\""]
                if self.maybe(0.4): body.insert(len(body) - 1, f"  {' ' * (2 * I)}{c('inside vars')}")
            return body + idl
        if k == 'sms':
            style = self.r.choice(['|', '>', '"'])
            if style == '"':
                return [f"- send_sms:{tail}", f"  {' ' * I}destination: clevertap", f"  {' ' * I}body: \"Your cart misses you\""] + idl
            return [f"- send_sms:{tail}", f"  {' ' * I}destination: clevertap", f"  {' ' * I}body: {style}", f"  {' ' * (2 * I)}Your cart misses you.", f"  {' ' * (2 * I)}Come back soon."] + idl
        if k == 'push':
            onerr = [f"  on_error: continue"] if self.maybe(0.5) else []
            return [f"- send_push:{tail}", f"  {' ' * I}destination: clevertap", f"  {' ' * I}title: 'We miss you'", f"  {' ' * I}body: \"Come back, {{{{ profile.id }}}}\""] + idl + onerr
        if k == 'event':
            return [f"- send_event: {{ destination: moengage, event: nudge_{self.r.randint(1, 9)} }}{tail}"] + idl
        if k == 'until':
            return [f"- wait_until:{tail}", f"  {' ' * I}time: \"10:00\"", f"  {' ' * I}days: [mon, tue, wed]"] + idl
        # webhook with on_error steps
        inner = self.steps(1, 2, depth=9)
        return [f"- webhook:{tail}", f"  {' ' * I}destination: webhook", f"  {' ' * I}url: \"https://shop.example.com/hooks/x\"", f"  {' ' * I}method: POST"] + idl + ["  on_error:", *self.under(f"  {' ' * I}steps:", inner, 2 + I)]
    def under(self, keyline, lines, keycol):
        # a step list under a key at column keycol
        col = keycol + (self.ind if self.dash else 0)
        return [keyline] + [(' ' * col + l) if l.strip() else l for l in lines]
    def branching(self, depth):
        I = self.ind
        k = self.r.choice(['check', 'check_exit', 'wait_for', 'split', 'split_map'])
        tail = f"  {c('beside a branching step')}" if self.maybe(0.3) else ''
        idl = [f"  id: {self.nid()}"] if self.maybe(0.6) else []
        b = 2 + I  # column of the body's keys
        if k in ('check', 'check_exit'):
            head = [f"- check:{tail}", f"{self.sp(b)}if:", f"{self.sp(b + I)}profile.attributes.tier: {{ eq: gold }}"]
            if k == 'check_exit':
                return head + [f"{self.sp(b)}then: [ exit ]"] + idl
            out = head + self.under(f"{self.sp(b)}then:", self.steps(1, 2, depth + 1), b)
            if self.maybe(0.3): out.append(f"{self.sp(b)}{c('before else')}")
            return out + self.under(f"{self.sp(b)}else:", self.steps(1, 2, depth + 1), b) + idl
        if k == 'wait_for':
            out = [f"- wait_for:{tail}", f"{self.sp(b)}event: app_open", f"{self.sp(b)}timeout: 2d"]
            if self.maybe(0.5): out += self.under(f"{self.sp(b)}then:", self.steps(1, 2, depth + 1), b)
            return out + self.under(f"{self.sp(b)}else:", self.steps(1, 2, depth + 1), b) + idl
        if k == 'split':
            col = b - I if not self.dash else b
            out = [f"- split:{tail}"]
            for label, pct in (('first', 50), ('second', 50)):
                out += [f"{self.sp(col)}- label: {label}", f"{self.sp(col + 2)}percent: {pct}"]
                out += self.under(f"{self.sp(col + 2)}steps:", self.steps(1, 2, depth + 1), col + 2)
            return out + idl
        col = b + I if self.dash else b
        out = [f"- split:{tail}", f"{self.sp(b)}branches:"]
        for label, pct in (('a', 40), ('b', 40), ('holdout', 20)):
            out += [f"{self.sp(col)}- label: {label}", f"{self.sp(col + 2)}percent: {pct}"]
            if label == 'holdout':
                out += [f"{self.sp(col + 2)}control: true", f"{self.sp(col + 2)}steps: []"]
            else:
                out += self.under(f"{self.sp(col + 2)}steps:", self.steps(1, 2, depth + 1), col + 2)
        return out + idl
    def steps(self, lo, hi, depth):
        out = []
        n = self.r.randint(lo, hi)
        for i in range(n):
            if i > 0 and self.maybe(0.3):
                out.append('')
                if self.maybe(0.5): out.append(c('between steps'))
            if self.maybe(0.4): out.append(c('above a step'))
            out += self.branching(depth) if depth < 2 and self.maybe(0.35) else self.leaf()
        return out

def flow(name, seed, ind=2, dash=True, crlf=False, ending='comment'):
    r = random.Random(seed)
    g = Gen(r, ind, dash)
    top = g.steps(4, 7, 0)
    lines = [c('a flow file for the edit tests'), f"flow: {name}", f"name: Edit corpus {name}  {c('beside a key')}", "status: active", ""]
    if r.random() < 0.4:
        lines += ["description: >", f"{' ' * ind}Written to test the comment-safe writer:", f"{' ' * ind}every comment must survive.", ""]
    lines += ["trigger:", f"{' ' * ind}event: sign_up"]
    if r.random() < 0.6:
        lines += [f"{' ' * ind}where:", f"{' ' * (2 * ind)}event.attributes.plan: {{ in: [pro, team] }}"]
    lines += ["", "entry:", f"{' ' * ind}reentry: after_exit", ""]
    if r.random() < 0.5:
        lines += ["exit_when:", f"{' ' * (ind if dash else 0)}- event: purchase", ""]
    lines += [f"steps:  {c('the steps')}"]
    col = ind if dash else 0
    lines += [(' ' * col + l) if l.strip() else l for l in top]
    if ending == 'comment':
        lines += ['', c('after the last step')]
    elif ending == 'indented':
        lines += [' ' * col + c('indented after the last step')]
    text = '\n'.join(lines) + '\n'
    if crlf: text = text.replace('\n', '\r\n')
    with open(os.path.join(OUT, f"{name}.yaml"), 'w', newline='') as f:
        f.write(text)

variants = []
for i in range(24):
    ind = 4 if i % 5 == 3 else 2
    dash = i % 4 != 2
    ending = ['comment', 'none', 'indented'][i % 3]
    flow(f"gen-{i + 1:02d}", 1000 + i, ind, dash, False, ending)
for i in range(4):
    flow(f"crlf-{i + 1:02d}", 2000 + i, 2 if i % 2 == 0 else 4, i != 1, True, ['comment', 'none'][i % 2])
